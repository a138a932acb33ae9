import type { RecoveryResult } from '../store/store.js';
import { leaseExpiryError } from '../store/support/lease-expiry.js';
import { lostLeaseError } from '../store/support/past-attempts.js';
import { attemptRetried, makeFinal, makeWaiting } from './job-states.js';
import type { MemoryState } from './state.js';

/** Delayed jobs whose `runAt` has come (`runAt <= now`) become waiting, earliest first. */
export function promoteDelayed(state: MemoryState, now: number, limit: number): number {
  let promoted = 0;
  for (const id of state.delayed.takeDue(now, limit)) {
    const job = state.jobs.get(id);
    if (job === undefined || job.status !== 'delayed') continue;
    makeWaiting(state, job);
    promoted++;
  }
  return promoted;
}

/**
 * Active jobs whose lease expired (`expiresAt <= now`), earliest first. The attempt the
 * lost worker started stays spent (the handler may have run, and at-least-once delivery
 * counts it): with attempts left the job waits again; with none it fails with
 * `lease_expired`. The lease goes, so the lost worker's token answers `lost` from now on.
 */
export function recoverExpiredLeases(state: MemoryState, now: number, limit: number): RecoveryResult {
  const result: RecoveryResult = { requeued: [], failed: [] };
  for (const id of state.leases.takeDue(now, limit)) {
    const job = state.jobs.get(id);
    if (job === undefined || job.status !== 'active') continue;
    const error = leaseExpiryError(job);
    if (error !== undefined) {
      job.lease = undefined;
      job.error = error;
      makeFinal(state, job, 'failed', now);
      result.failed.push(id);
    } else {
      attemptRetried(state, job, lostLeaseError(job), now);
      makeWaiting(state, job);
      result.requeued.push(id);
    }
  }
  return result;
}
