import { CadenzaError, isFinalStatus, type Job } from '@cadenza/core';
import { notFound } from './arguments.js';
import type { Ctx } from './context.js';
import { verdictOf } from './dependencies.js';
import { makeBlocked, makeFinal, makeRunnable } from './job-states.js';
import { loadJob, statusOf } from './rows.js';

function existing(ctx: Ctx, id: string): Job {
  const job = loadJob(ctx, id);
  if (job === undefined) throw notFound(`job ${JSON.stringify(id)}`);
  return job;
}

/** Cancels a job that is not final; an active job keeps its lease so its worker hears `canceled`. */
export function cancel(ctx: Ctx, id: string, now: number): Job {
  const job = existing(ctx, id);
  if (isFinalStatus(job.status)) {
    throw new CadenzaError('conflict', `job ${JSON.stringify(id)} is ${job.status} already and cannot be canceled`);
  }
  makeFinal(ctx, job, 'canceled', now);
  return job;
}

/**
 * Turns a failed job back into a fresh one. Its parents are looked at again: all
 * succeeded (or gone), it runs; one still on its way, it waits blocked; one failed or
 * canceled, the retry is refused with `conflict` (retry the parent first).
 */
export function retry(ctx: Ctx, id: string, now: number): Job {
  const job = existing(ctx, id);
  if (job.status !== 'failed') {
    throw new CadenzaError('conflict', `job ${JSON.stringify(id)} is ${job.status}; only a failed job can be retried`);
  }
  const verdict = verdictOf(job.dependsOn, (parentId) => statusOf(ctx, parentId));
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
  ctx.sql('DELETE FROM pending_parents WHERE job_id = ?').run(job.id);
  if (verdict.kind === 'blocked') makeBlocked(ctx, job);
  else makeRunnable(ctx, job, now);
  return job;
}
