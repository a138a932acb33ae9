// The fire times of a normalized trigger, seen as an ascending series of epoch-ms instants
// with three questions: the first after an instant, those in a range, and how many in a
// range. Misfire planning needs the count and the last few of a range without walking it.
import type { NormalizedTrigger } from '../model/schedule.js';
import { compileCron } from './cron.js';
import { cronCountBetween, cronFiresBetween, cronFirstAfter } from './cron-series.js';
import { MAX_INSTANT } from './instants.js';

export interface FireSeries {
  /** The first fire strictly after `after`, or undefined when there is none. */
  firstAfter(after: number): number | undefined;
  /** Fires in `(low, high]`, oldest first, at most `limit`. */
  between(low: number, high: number, limit: number): number[];
  /** How many fires fall in `(low, high]`. */
  count(low: number, high: number): number;
}

const never: FireSeries = {
  firstAfter: () => undefined,
  between: () => [],
  count: () => 0,
};

function cronSeries(cron: string, zone: string): FireSeries {
  const spec = compileCron(cron);
  return {
    firstAfter: (after) => {
      const next = cronFirstAfter(spec, zone, after);
      return next !== undefined && next <= MAX_INSTANT ? next : undefined;
    },
    between: (low, high, limit) => cronFiresBetween(spec, zone, low, Math.min(high, MAX_INSTANT), limit),
    count: (low, high) => cronCountBetween(spec, zone, low, Math.min(high, MAX_INSTANT)),
  };
}

/**
 * `every` fires at `anchor + n × every` for n = 0, 1, 2…: the anchor is `startAt`, or the Unix
 * epoch when absent, so that a cadence without a start is the same on every coordinator and
 * after every restart (an hourly `every` fires on the hour, UTC).
 */
function everySeries(every: number, anchor: number): FireSeries {
  /** How many fires happen at or before `instant`. */
  const upTo = (instant: number): number => (instant < anchor ? 0 : Math.floor((instant - anchor) / every) + 1);
  const firstAfter = (after: number): number | undefined => {
    const next = anchor + upTo(after) * every;
    return next <= MAX_INSTANT ? next : undefined;
  };
  return {
    firstAfter,
    between: (low, high, limit) => {
      const fires: number[] = [];
      for (let next = firstAfter(low); next !== undefined && next <= high && fires.length < limit; ) {
        fires.push(next);
        next = firstAfter(next);
      }
      return fires;
    },
    count: (low, high) => (high <= low ? 0 : upTo(Math.min(high, MAX_INSTANT)) - upTo(low)),
  };
}

/** `every`, or the least whole multiple of it that is at least `minIntervalMs`. */
export function pacedEvery(every: number, minIntervalMs: number): number {
  return every >= minIntervalMs ? every : every * Math.ceil(minIntervalMs / every);
}

function atSeries(at: number): FireSeries {
  return {
    firstAfter: (after) => (at > after ? at : undefined),
    between: (low, high, limit) => (at > low && at <= high && limit > 0 ? [at] : []),
    count: (low, high) => (at > low && at <= high ? 1 : 0),
  };
}

/**
 * The fire times of `trigger`. An `every` shorter than `minIntervalMs` is paced: it fires
 * every k-th time of its own cadence, k the least whole number with `k × every` at least the
 * minimum, so its fires stay times of its own series and no two are closer than the minimum.
 */
export function seriesOf(trigger: NormalizedTrigger, minIntervalMs = 0): FireSeries {
  switch (trigger.kind) {
    case 'cron':
      return cronSeries(trigger.cron, trigger.tz);
    case 'every':
      return everySeries(pacedEvery(trigger.every, minIntervalMs), trigger.startAt ?? 0);
    case 'at':
      return atSeries(trigger.at);
    case 'manual':
      return never;
  }
}

/**
 * The newest `limit` fires in `(low, high]`, oldest first. Bounded however dense the series:
 * windows ending at `high` double until they hold `limit` fires, then a bisection on the
 * window's start finds the exact one, all by counting.
 */
export function lastFires(series: FireSeries, low: number, high: number, limit: number): number[] {
  if (limit <= 0 || high <= low) return [];
  const total = series.count(low, high);
  if (total <= limit) return series.between(low, high, total);
  let enough = low; // count(enough, high) >= limit
  let short = high; // count(short, high) < limit
  for (let width = 60_000; high - width > low; width *= 2) {
    const start = high - width;
    if (series.count(start, high) >= limit) {
      enough = start;
      break;
    }
    short = start;
  }
  while (short - enough > 1) {
    const middle = Math.floor((enough + short) / 2);
    if (series.count(middle, high) >= limit) enough = middle;
    else short = middle;
  }
  return series.between(enough, high, limit);
}
