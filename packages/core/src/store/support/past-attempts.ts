import type { Job, JobError } from '../../model/job.js';
import type { PastAttempt } from '../store.js';
import { PAST_ATTEMPTS_KEPT } from '../store.js';

/**
 * For store implementations: the attempts `Store.pastAttempts` keeps. One is written only
 * where an attempt ends and the job goes on (a failure retried by backoff, a lost lease
 * with attempts left) and where a failed job is retried by hand: never on success.
 */

/** The error kept for an attempt whose lease expired (the job ran again, or failed for it). */
export function lostLeaseError(job: Pick<Job, 'attempt' | 'maxAttempts' | 'lease'>): JobError {
  const workerId = job.lease?.workerId ?? 'unknown';
  return {
    code: 'lease_expired',
    message: `the lease of worker ${workerId} expired during attempt ${job.attempt} of ${job.maxAttempts}`,
  };
}

/** The job's current attempt, ended at `endedAt` with `error` (its lease still tells the worker). */
export function attemptEnded(
  job: Pick<Job, 'attempt' | 'startedAt' | 'lease'>,
  error: JobError,
  endedAt: number,
): PastAttempt {
  return { attempt: job.attempt, startedAt: job.startedAt, endedAt, workerId: job.lease?.workerId, error };
}

/**
 * A failed job's last attempt, as a retry by hand keeps it; undefined when it never ran (a
 * job failed by its parent). Its worker is not known any more: a final job holds no lease.
 */
export function lastAttemptOfFailed(job: Job, now: number): PastAttempt | undefined {
  if (job.attempt < 1 || job.error === undefined) return undefined;
  return {
    attempt: job.attempt,
    startedAt: job.startedAt,
    endedAt: job.finishedAt ?? now,
    workerId: undefined,
    error: { code: job.error.code, message: job.error.message },
  };
}

/** `kept` with `attempt` added at the end, cut to the newest PAST_ATTEMPTS_KEPT. */
export function withAttempt(kept: readonly PastAttempt[], attempt: PastAttempt): PastAttempt[] {
  const all = [...kept, attempt];
  return all.length > PAST_ATTEMPTS_KEPT ? all.slice(all.length - PAST_ATTEMPTS_KEPT) : all;
}
