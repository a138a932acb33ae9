import { CadenzaError } from '../errors.js';
import { isFinalStatus, type Job } from '../model/job.js';
import { notFound } from './arguments.js';
import { verdictOf } from './dependencies.js';
import { makeBlocked, makeFinal, makeRunnable } from './job-states.js';
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
  if (isFinalStatus(job.status)) {
    throw new CadenzaError('conflict', `job ${JSON.stringify(id)} is ${job.status} already and cannot be canceled`);
  }
  makeFinal(state, job, 'canceled', now);
  return job;
}

/**
 * Turns a failed job back into a fresh one: attempts, error, result and timings reset.
 * Its parents are looked at again (SPEC: a job stays blocked until every parent has
 * succeeded): when all succeeded (or are no longer kept) it runs now; while one is still
 * on its way it waits blocked; when one ended failed or canceled, retrying the child alone
 * would run it without its inputs, so it is refused (retry the parent first).
 */
export function retry(state: MemoryState, id: string, now: number): Job {
  const job = existing(state, id);
  if (job.status !== 'failed') {
    throw new CadenzaError('conflict', `job ${JSON.stringify(id)} is ${job.status}; only a failed job can be retried`);
  }
  const verdict = verdictOf(job.dependsOn, (parentId) => state.jobs.get(parentId)?.status);
  if (verdict.kind === 'failed') {
    throw new CadenzaError(
      'conflict',
      `job ${JSON.stringify(id)} depends on job ${verdict.parentId}, which ended ${verdict.parentStatus}; retry that job first`,
    );
  }
  job.attempt = 0;
  job.error = undefined;
  job.result = undefined;
  job.progress = undefined;
  job.startedAt = undefined;
  job.finishedAt = undefined;
  job.lease = undefined;
  // Leaving `failed`, it is no parent that ended any more.
  state.pendingParents.delete(job.id);
  if (verdict.kind === 'blocked') makeBlocked(state, job);
  else {
    // A delay the job was created with has been served long ago (or is still ahead).
    makeRunnable(state, job, now);
  }
  return job;
}
