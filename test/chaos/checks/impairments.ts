/**
 * From the fault log: when each process could not keep its leases (or its leadership) —
 * frozen, cut off, dead, or Redis down — and so when a second attempt of a job, or a slot
 * counted twice, is allowed. Added latency is kept below what a lease tolerates (see the
 * plan), so it is no impairment.
 */
import type { Fault, Interval } from './logs.js';
import { union } from './logs.js';

const IMPAIRING = new Set(['kill', 'stop', 'partition', 'redis-kill', 'redis-shutdown']);

/** The intervals in which `target` was impaired (its own faults, and Redis's). */
export function impairedIntervals(faults: readonly Fault[], target: string): Interval[] {
  return union(
    faults
      .filter((f) => IMPAIRING.has(f.kind) && (f.target === target || f.target === 'redis'))
      .map((f) => ({ from: f.start, to: f.end })),
  );
}

/**
 * The instant from which an attempt of `worker` that started at `start` may have lost its
 * lease: the start of the first impairment that overlaps [start, end) and lasts at least
 * `thresholdMs` (the least time a lease can lapse in: lease − heartbeat interval − clock
 * skew − latency). Infinity when none does.
 */
export function leaseMayLapseAt(
  faults: readonly Fault[],
  worker: string,
  start: number,
  end: number,
  thresholdMs: number,
): number {
  for (const i of impairedIntervals(faults, worker)) {
    if (i.to <= start || i.from >= end) continue;
    if (i.to - i.from >= thresholdMs) return Math.max(i.from, start);
  }
  return Number.POSITIVE_INFINITY;
}
