import { CadenzaError } from '../../errors.js';
import { isFinalStatus, type Job, type JobStatus } from '../../model/job.js';
import { verdictOf } from './dependencies.js';

/**
 * For store implementations: the decisions of `cancel` and `retry`, apart from the
 * writes, so that every store refuses the same jobs with the same conflict.
 */

/** Refuses to cancel a job that is final already. */
export function checkCancelable(job: Job): void {
  if (isFinalStatus(job.status)) {
    throw new CadenzaError('conflict', `job ${JSON.stringify(job.id)} is ${job.status} already and cannot be canceled`);
  }
}

/**
 * Whether a failed job, retried, runs now (`ready`) or waits blocked. Its parents are
 * looked at again (a job stays blocked until every parent has succeeded): when one
 * ended failed or canceled, retrying the child alone would run it without its inputs, so
 * it is refused (retry the parent first). Only a failed job can be retried.
 */
export function retryVerdict(job: Job, statusOf: (id: string) => JobStatus | undefined): 'ready' | 'blocked' {
  if (job.status !== 'failed') {
    throw new CadenzaError(
      'conflict',
      `job ${JSON.stringify(job.id)} is ${job.status}; only a failed job can be retried`,
    );
  }
  const verdict = verdictOf(job.dependsOn, statusOf);
  if (verdict.kind === 'failed') {
    throw new CadenzaError(
      'conflict',
      `job ${JSON.stringify(job.id)} depends on job ${verdict.parentId}, which ended ${verdict.parentStatus}; retry that job first`,
    );
  }
  return verdict.kind;
}

/** Turns a retried job back into a fresh one: attempts, error, result and timings reset. */
export function resetForRetry(job: Job): void {
  job.attempt = 0;
  job.error = undefined;
  job.result = undefined;
  job.progress = undefined;
  job.startedAt = undefined;
  job.finishedAt = undefined;
  job.lease = undefined;
}
