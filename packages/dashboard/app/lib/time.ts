// Instants as people read them: relative ("3 s ago"), in a given IANA zone, with the zone's
// UTC offset, and the daylight-saving shifts between consecutive fires of a schedule
// (docs/time.md "Daylight saving"). Pure: Intl only, no DOM, no clock (callers pass `now`).

/** "just now", "3 s ago", "in 5 min", "2 h ago", "4 d ago". */
export function relativeTime(at: number, now: number): string {
  const diff = at - now;
  const abs = Math.abs(diff);
  if (abs < 1_000) return 'just now';
  const text = shortDuration(abs);
  return diff < 0 ? `${text} ago` : `in ${text}`;
}

/** A duration in its largest whole unit: "42 s", "5 min", "3 h", "2 d". */
export function shortDuration(ms: number): string {
  const seconds = Math.floor(ms / 1_000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** An `every` cadence in words: "every 10 s", "every 1 min 30 s", "every 2 h". */
export function describeEvery(ms: number): string {
  if (ms % 1_000 !== 0) return `every ${ms} ms`;
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  let rest = ms / 1_000;
  const parts: string[] = [];
  for (const [size, unit] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count} ${unit}`);
    rest -= count * size;
  }
  return `every ${parts.join(' ')}`;
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function formatFor(zone: string, withOffset: boolean): Intl.DateTimeFormat {
  const key = `${zone}|${withOffset}`;
  let format = partsFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      ...(withOffset ? { timeZoneName: 'shortOffset' as const } : {}),
    });
    partsFormats.set(key, format);
  }
  return format;
}

/** True when `zone` is an IANA zone this runtime knows. */
export function isKnownZone(zone: string): boolean {
  try {
    formatFor(zone, false);
    return true;
  } catch {
    return false;
  }
}

/** The offset of `zone` from UTC at `at`, in minutes (Berlin in summer: 120). */
export function utcOffsetMinutes(at: number, zone: string): number {
  const name = formatFor(zone, true)
    .formatToParts(new Date(at))
    .find((part) => part.type === 'timeZoneName')?.value;
  // shortOffset names read "GMT", "GMT+2", "GMT-4", "GMT+5:30".
  const match = /^(?:GMT|UTC)(?:([+\-−])(\d{1,2})(?::(\d{2}))?)?$/.exec(name ?? '');
  if (match === null) return 0;
  if (match[1] === undefined) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === '+' ? minutes : -minutes;
}

/** "UTC+2", "UTC-4", "UTC+5:30", "UTC+0". */
export function offsetLabel(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hours = Math.floor(abs / 60);
  const rest = abs % 60;
  return `UTC${sign}${hours}${rest === 0 ? '' : `:${String(rest).padStart(2, '0')}`}`;
}

/** The wall time of `at` in `zone`: "Sun 2026-03-29 03:00:00". */
export function formatInZone(at: number, zone: string): string {
  const parts: Record<string, string> = {};
  for (const part of formatFor(zone, false).formatToParts(new Date(at))) parts[part.type] = part.value;
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** The wall time of `at` in `zone` with its offset: "Sun 2026-03-29 03:00:00 UTC+2". */
export function formatWithOffset(at: number, zone: string): string {
  return `${formatInZone(at, zone)} ${offsetLabel(utcOffsetMinutes(at, zone))}`;
}

export interface ZonedFire {
  at: number;
  /** The wall time in the zone, "Sun 2026-03-29 03:00:00". */
  wall: string;
  /** The zone's offset at that instant, "UTC+2". */
  offset: string;
  /** Set when the offset differs from the previous fire's in the same zone. */
  shift?: { from: string; to: string; direction: 'forward' | 'back'; explanation: string };
}

/**
 * The fires of a schedule as seen in one zone, each marked when its UTC offset differs from
 * the previous fire's: the clocks changed in between, so the gap between the two wall times
 * is not the gap between the instants (docs/time.md "Daylight saving").
 */
export function zonedFires(fires: readonly number[], zone: string): ZonedFire[] {
  let previous: number | undefined;
  return fires.map((at) => {
    const minutes = utcOffsetMinutes(at, zone);
    const fire: ZonedFire = { at, wall: formatInZone(at, zone), offset: offsetLabel(minutes) };
    if (previous !== undefined && previous !== minutes) {
      const direction = minutes > previous ? 'forward' : 'back';
      const from = offsetLabel(previous);
      fire.shift = {
        from,
        to: fire.offset,
        direction,
        explanation: `clocks go ${direction}: ${from} → ${fire.offset}`,
      };
    }
    previous = minutes;
    return fire;
  });
}
