import type { Fence, Logger, Store } from '@cadenza/core';
import { type FiredEvent, type FireSettings, fireDueSchedules, type PlannedThisTick } from './fire-schedules.js';

/** What one tick did, summed over its batches. */
export interface TickCounts {
  /** Delayed jobs made ready. */
  promoted: number;
  /** Jobs taken back from expired leases and made ready again. */
  requeued: number;
  /** Jobs taken back from expired leases with no attempts left (`lease_expired`). */
  expired: number;
  /** Dependent jobs released or failed. */
  dependents: number;
  /** Schedules whose fires were written. */
  schedulesFired: number;
  /** Jobs created by those fires. */
  jobsCreated: number;
}

export function emptyCounts(): TickCounts {
  return { promoted: 0, requeued: 0, expired: 0, dependents: 0, schedulesFired: 0, jobsCreated: 0 };
}

export function addCounts(into: TickCounts, more: TickCounts): void {
  into.promoted += more.promoted;
  into.requeued += more.requeued;
  into.expired += more.expired;
  into.dependents += more.dependents;
  into.schedulesFired += more.schedulesFired;
  into.jobsCreated += more.jobsCreated;
}

export interface BatchResult {
  counts: TickCounts;
  fired: FiredEvent[];
  /** True when some step filled its batch, so there may be more to do right now. */
  more: boolean;
}

/**
 * One batch of each of the leader's duties. Schedule fires, delayed jobs and expired leases
 * do not touch each other's jobs, so they go to the store at once (a networked store then
 * spends the round trips of one step, not three: a fire is late by one step's time at
 * most); dependents come after the lease recovery, whose final failures may fail
 * dependents. Every write carries the fence; a `StaleEpochError` propagates to the caller,
 * which steps down. A schedule is planned once per tick (`plannedThisTick`): one whose
 * catch-up the caps cut stays due, and the next tick goes on with it.
 */
export async function runBatch(
  store: Store,
  fence: Fence,
  now: number,
  limit: number,
  log: Logger,
  fireSettings: FireSettings,
  plannedThisTick: PlannedThisTick,
): Promise<BatchResult> {
  const counts = emptyCounts();
  const [fires, promoted, recovered] = await Promise.all([
    fireDueSchedules(store, fence, now, limit, log, fireSettings, plannedThisTick),
    store.promoteDelayed(fence, now, limit),
    store.recoverExpiredLeases(fence, now, limit),
  ]);
  counts.promoted = promoted;
  counts.requeued = recovered.requeued.length;
  counts.expired = recovered.failed.length;
  if (counts.requeued + counts.expired > 0) {
    log.warn({ requeued: recovered.requeued, failed: recovered.failed }, 'took back jobs whose leases expired');
  }
  counts.dependents = await store.releaseDependents(fence, now, limit);
  counts.schedulesFired = fires.fired.length;
  for (const f of fires.fired) counts.jobsCreated += f.jobIds.length;
  const more =
    counts.promoted >= limit ||
    counts.requeued + counts.expired >= limit ||
    counts.dependents >= limit ||
    // A full batch may hide more due schedules, unless it brought none this tick had not planned.
    (fires.due >= limit && fires.fresh > 0);
  return { counts, fired: fires.fired, more };
}
