// What a due schedule fires, by its misfire policy (docs/time.md "Misfires").
//
// The due fire times are `nextFireAt` and every later fire time up to and including `now`.
// One that is more than `misfireGraceMs` late (`now - t > misfireGraceMs`) is *missed*; the
// others are *on time*, however late within the grace, and always fire: a coordinator that
// takes over within the grace fires what its predecessor left, it does not skip it.
//
// The policy decides only about missed times (our own readings of a general rule are marked *):
// - skip: none of them fire.
// - once: one job, for the latest missed time, then the on-time ones. *The on-time fires do
//   not absorb the missed one: with an hourly cron down from 08:30 to 10:00:30, the 09:00
//   report still runs once, and 10:00 runs as it would have anyway.
// - all:  each missed time, oldest first, but at most `maxCatchUp` of them: *the newest ones,
//   since after a long outage recent periods matter most and `once` also keeps the latest.
//   Then the on-time ones.
// `skipped` counts the due times that create no job.
//
// Enumeration is bounded however long the outage and dense the trigger: missed times are
// counted by arithmetic and only the newest `maxCatchUp` (or one) are listed (series.ts).
// *On-time fires are capped too, at MAX_ON_TIME_FIRES (the newest; older ones are skipped),
// which only a very large grace with a per-second trigger can reach.
//
// Pacing: an `every` shorter than the coordinator's `minIntervalMs` (stored before the
// minimum was raised, or written to the store directly) is planned as if it fired every
// k-th time of its cadence, k the least whole number with `k × every >= minIntervalMs`
// (series.ts). A stored `nextFireAt` between two paced times moves to the next paced time.
// Each fire is still a time of the schedule's own series, later than the last fire, so no
// time fires twice, and no two fires are closer than the minimum.
import type { Schedule } from '../model/schedule.js';
import { type FireSeries, lastFires, pacedEvery, seriesOf } from './series.js';

export const MAX_ON_TIME_FIRES = 10_000;

export interface FirePlan {
  /** Instants to create jobs for, oldest first. */
  fireTimes: number[];
  /** Fire times passed over by the misfire policy. */
  skipped: number;
  nextFireAt: number | undefined;
}

export interface PlanOptions {
  /** The shortest cadence to fire at (see "Pacing" above). Default: none. */
  minIntervalMs?: number;
}

/** Whether `schedule` is an `every` shorter than `minIntervalMs`, which planFires paces. */
export function isPaced(schedule: Pick<Schedule, 'trigger'>, minIntervalMs: number): boolean {
  const { trigger } = schedule;
  return trigger.kind === 'every' && pacedEvery(trigger.every, minIntervalMs) !== trigger.every;
}

/** What a due schedule should fire at `now`, by its misfire policy. */
export function planFires(schedule: Schedule, now: number, options: PlanOptions = {}): FirePlan {
  const minIntervalMs = options.minIntervalMs ?? 0;
  const series = seriesOf(schedule.trigger, minIntervalMs);
  let first = schedule.nextFireAt;
  // A paced schedule's stored next fire may lie between two paced times: take the next one.
  if (first !== undefined && isPaced(schedule, minIntervalMs)) first = series.firstAfter(first - 1);
  // Never fire a time at or before the last fire again, whatever nextFireAt says (a clock
  // stepped back, a hand-edited row): (scheduleId, scheduledFor) is fired at most once.
  if (first !== undefined && schedule.lastFireAt !== undefined && first <= schedule.lastFireAt) {
    first = series.firstAfter(schedule.lastFireAt);
  }
  if (first === undefined || first > now) return { fireTimes: [], skipped: 0, nextFireAt: first };
  const grace = Math.max(0, schedule.misfireGraceMs);
  const cutoff = now - grace; // fire times before it are missed
  const onTime = onTimeFires(series, first, cutoff, now);
  const missed = missedFires(series, first, cutoff);
  const maxCatchUp = Math.max(0, Math.floor(schedule.maxCatchUp));
  const keep = schedule.misfire === 'skip' ? 0 : schedule.misfire === 'once' ? 1 : maxCatchUp;
  const caughtUp = missed.newest(Math.min(keep, missed.count));
  return {
    fireTimes: [...caughtUp, ...onTime.fires],
    skipped: missed.count - caughtUp.length + onTime.dropped,
    nextFireAt: series.firstAfter(now),
  };
}

/** The due fires in `[cutoff, now]`; `first` itself counts when it is on time. */
function onTimeFires(
  series: FireSeries,
  first: number,
  cutoff: number,
  now: number,
): { fires: number[]; dropped: number } {
  const low = Math.max(first, cutoff - 1);
  const own = first >= cutoff ? 1 : 0;
  const total = own + series.count(low, now);
  if (total <= MAX_ON_TIME_FIRES) {
    return { fires: [...(own === 1 ? [first] : []), ...series.between(low, now, total)], dropped: 0 };
  }
  return { fires: lastFires(series, low, now, MAX_ON_TIME_FIRES), dropped: total - MAX_ON_TIME_FIRES };
}

/** The due fires before `cutoff`: how many, and the newest few on demand. */
function missedFires(
  series: FireSeries,
  first: number,
  cutoff: number,
): { count: number; newest: (limit: number) => number[] } {
  if (first >= cutoff) return { count: 0, newest: () => [] };
  const later = series.count(first, cutoff - 1);
  return {
    count: 1 + later,
    newest: (limit) => {
      if (limit <= 0) return [];
      const tail = lastFires(series, first, cutoff - 1, limit);
      return tail.length < limit ? [first, ...tail] : tail;
    },
  };
}
