import type { Job } from '../model/job.js';
import { notFound } from '../store/support/arguments.js';
import { checkCancelable, resetForRetry, retryVerdict } from '../store/support/cancel-retry.js';
import { lastAttemptOfFailed } from '../store/support/past-attempts.js';
import { keepPastAttempt, makeBlocked, makeFinal, makeRunnable } from './job-states.js';
import type { MemoryState } from './state.js';

function existing(state: MemoryState, id: string): Job {
  const job = state.jobs.get(id);
  if (job === undefined) throw notFound(`job ${JSON.stringify(id)}`);
  return job;
}

/**
 * Cancels a job that is not final. An active job keeps its lease, so that its worker's
 * next heartbeat (or settlement) answers `canceled` and the handler is stopped; children
 * follow through releaseDependents (they fail with `dependency_failed`).
 */
export function cancel(state: MemoryState, id: string, now: number): Job {
  const job = existing(state, id);
  checkCancelable(job);
  makeFinal(state, job, 'canceled', now);
  return job;
}

/**
 * Turns a failed job back into a fresh one; whether it runs now or waits blocked (or is
 * refused) is core's retryVerdict, shared with the other stores.
 */
export function retry(state: MemoryState, id: string, now: number): Job {
  const job = existing(state, id);
  const verdict = retryVerdict(job, (parentId) => state.jobs.get(parentId)?.status);
  const last = lastAttemptOfFailed(job, now);
  if (last !== undefined) keepPastAttempt(state, job.id, last);
  resetForRetry(job);
  // Leaving `failed`, it is no parent that ended any more.
  state.pendingParents.delete(job.id);
  if (verdict === 'blocked') makeBlocked(state, job);
  else {
    // A delay the job was created with has been served long ago (or is still ahead).
    makeRunnable(state, job, now);
  }
  return job;
}
