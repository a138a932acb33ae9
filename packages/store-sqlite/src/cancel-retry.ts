import { type Job, notFound } from '@cadenza/core';
import { checkCancelable, lastAttemptOfFailed, resetForRetry, retryVerdict } from '@cadenza/core/store-kit';
import type { Ctx } from './context.js';
import { keepPastAttempt } from './dashboard-reads.js';
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
  checkCancelable(job);
  makeFinal(ctx, job, 'canceled', now);
  return job;
}

/** Turns a failed job back into a fresh one (runs, waits blocked or is refused: core's retryVerdict). */
export function retry(ctx: Ctx, id: string, now: number): Job {
  const job = existing(ctx, id);
  const verdict = retryVerdict(job, (parentId) => statusOf(ctx, parentId));
  const last = lastAttemptOfFailed(job, now);
  if (last !== undefined) keepPastAttempt(ctx, job.id, last);
  resetForRetry(job);
  // Leaving `failed`, it is no parent that ended any more.
  ctx.sql('DELETE FROM pending_parents WHERE job_id = ?').run(job.id);
  if (verdict === 'blocked') makeBlocked(ctx, job);
  else makeRunnable(ctx, job, now);
  return job;
}
