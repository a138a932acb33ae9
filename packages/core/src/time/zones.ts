// Time zones: the only file that imports luxon. The rest of the time module sees a zone as
// a sequence of spans of constant UTC offset, so that daylight-saving rules become plain
// arithmetic on epoch milliseconds (and luxon, which costs several microseconds a call, is
// asked once per zone and year rather than once per fire time).
import { IANAZone } from 'luxon';

export const DAY_MS = 86_400_000;
const SECOND_MS = 1000;
/** How far (in years) we look for a transition before calling a span unbounded. */
const HORIZON_YEARS = 2;
/** Zone-years kept in the transition cache (about 100 bytes each). */
const CACHE_LIMIT = 4096;

/** True for a zone name the runtime's time zone database knows (`UTC`, `America/New_York`…). */
export function isValidZone(name: string): boolean {
  return IANAZone.isValidZone(name);
}

/** UTC offset of `zone` at `instant`, in milliseconds (east of Greenwich is positive). */
export function offsetAt(zone: string, instant: number): number {
  return IANAZone.create(zone).offset(instant) * 60_000;
}

/**
 * A stretch of time during which a zone's offset stays the same: `[start, end)`.
 * `offsetBefore` is the offset just before `start`; it equals `offset` when `start` is not a
 * real transition but only the edge of our search horizon.
 */
export interface OffsetSpan {
  start: number;
  end: number;
  offset: number;
  offsetBefore: number;
}

interface Transition {
  /** The first instant with the new offset. */
  at: number;
  before: number;
  after: number;
}

interface ZoneYear {
  start: number;
  end: number;
  startOffset: number;
  transitions: Transition[];
}

const years = new Map<string, ZoneYear>();

function yearStart(year: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, 0, 1);
  return date.getTime();
}

/**
 * The transitions of `zone` in the UTC year `year`, found by sampling the offset once a day
 * and bisecting each change to the second. An offset that holds for less than a day between
 * two samples would be missed; no zone rule in use has one (DST periods last months).
 */
function zoneYear(zone: string, year: number): ZoneYear {
  const key = `${zone}\u0000${year}`;
  const cached = years.get(key);
  if (cached !== undefined) return cached;
  const iana = IANAZone.create(zone);
  const offset = (instant: number): number => iana.offset(instant) * 60_000;
  const start = yearStart(year);
  const end = yearStart(year + 1);
  const startOffset = offset(start);
  const transitions: Transition[] = [];
  let previous = start;
  let previousOffset = startOffset;
  for (let sample = start + DAY_MS; previous < end; sample = Math.min(sample + DAY_MS, end)) {
    const sampleOffset = offset(sample);
    if (sampleOffset !== previousOffset) {
      // Bisect on whole seconds: the last second with the old offset and the first with a new one.
      let low = previous / SECOND_MS;
      let high = sample / SECOND_MS;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (offset(middle * SECOND_MS) === previousOffset) low = middle;
        else high = middle;
      }
      transitions.push({ at: high * SECOND_MS, before: previousOffset, after: sampleOffset });
    }
    previous = sample;
    previousOffset = sampleOffset;
  }
  const entry: ZoneYear = { start, end, startOffset, transitions };
  if (years.size >= CACHE_LIMIT) {
    const oldest = years.keys().next();
    if (oldest.done !== true) years.delete(oldest.value);
  }
  years.set(key, entry);
  return entry;
}

/** The span of constant offset that contains `instant`. */
export function spanAt(zone: string, instant: number): OffsetSpan {
  const year = new Date(instant).getUTCFullYear();
  let start: number | undefined;
  let offset = 0;
  let offsetBefore = 0;
  for (let y = year; y >= year - HORIZON_YEARS && start === undefined; y--) {
    const entry = zoneYear(zone, y);
    for (let i = entry.transitions.length - 1; i >= 0; i--) {
      const transition = entry.transitions[i];
      if (transition !== undefined && transition.at <= instant) {
        start = transition.at;
        offset = transition.after;
        offsetBefore = transition.before;
        break;
      }
    }
  }
  if (start === undefined) {
    // No transition within the horizon: the earliest sampled year's offset has held since.
    const earliest = zoneYear(zone, year - HORIZON_YEARS);
    start = earliest.start;
    offset = earliest.startOffset;
    offsetBefore = offset;
  }
  let end: number | undefined;
  for (let y = year; y <= year + HORIZON_YEARS && end === undefined; y++) {
    const entry = zoneYear(zone, y);
    end = entry.transitions.find((transition) => transition.at > instant)?.at;
    if (end === undefined && y === year + HORIZON_YEARS) end = entry.end;
  }
  return { start, end: end ?? instant + 1, offset, offsetBefore };
}
