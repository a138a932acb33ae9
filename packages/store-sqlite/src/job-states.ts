import type { Job, JobError, JobLease } from '@cadenza/core';
import { attemptEnded } from '@cadenza/core/store-kit';
import type { Ctx } from './context.js';
import { countActivity, keepPastAttempt } from './dashboard-reads.js';
import { joinRing, leaveRingIfEmpty } from './fairness.js';
import { saveJob } from './rows.js';

/*
 * Every status change goes through these functions (the memory store's job-states.ts),
 * so that the row, the ring of tenants (fairness.ts) and the pending parents agree:
 *
 *   waiting ── jobs_claim index, tenant in `ring`     signal 'ready' on entry
 *   delayed ── jobs_delayed index, by run_at          promoted by the coordinator
 *   blocked ── job_deps only                          released by releaseDependents
 *   active  ── jobs_leases index, by lease expiry     taken back when it expires
 *   final   ── a final job with children is noted in `pending_parents`
 *
 * Each takes the job as loaded, changes it, writes it back, then fixes the ring.
 */

function leaving(ctx: Ctx, job: Job, wasWaiting: boolean): void {
  if (wasWaiting && job.status !== 'waiting') leaveRingIfEmpty(ctx, job.priority, job.tenant);
}

/** Files a job just inserted with its status (its row is written already). */
export function fileNewJob(ctx: Ctx, job: Job): void {
  // Created failed (a parent failed first): it ended, for the activity counts.
  if (job.status === 'failed') countActivity(ctx, job.tenant, job.finishedAt ?? job.createdAt, 'failed');
  if (job.status === 'waiting') {
    joinRing(ctx, job.priority, job.tenant);
    ctx.raised.add('ready');
  }
}

/** Ready to run: at the back of its tenant's queue. A waiting job holds no lease. */
export function makeWaiting(ctx: Ctx, job: Job): void {
  job.status = 'waiting';
  job.lease = undefined;
  saveJob(ctx, job, ctx.nextSeq());
  joinRing(ctx, job.priority, job.tenant);
  ctx.raised.add('ready');
}

/** Not before `runAt`. */
export function makeDelayed(ctx: Ctx, job: Job, runAt: number): void {
  const wasWaiting = job.status === 'waiting';
  job.status = 'delayed';
  job.runAt = runAt;
  job.lease = undefined;
  saveJob(ctx, job, ctx.nextSeq());
  leaving(ctx, job, wasWaiting);
}

/** Waiting, or delayed when its `runAt` is still to come. */
export function makeRunnable(ctx: Ctx, job: Job, now: number): void {
  if (job.runAt !== undefined && job.runAt > now) makeDelayed(ctx, job, job.runAt);
  else makeWaiting(ctx, job);
}

export function makeBlocked(ctx: Ctx, job: Job): void {
  const wasWaiting = job.status === 'waiting';
  job.status = 'blocked';
  job.lease = undefined;
  saveJob(ctx, job);
  leaving(ctx, job, wasWaiting);
}

/** A new attempt starts: the attempt counts from here, whatever becomes of it. */
export function makeActive(ctx: Ctx, job: Job, lease: JobLease, now: number): void {
  const wasWaiting = job.status === 'waiting';
  job.status = 'active';
  job.attempt += 1;
  job.startedAt = now;
  job.progress = undefined;
  job.lease = lease;
  saveJob(ctx, job, ctx.nextSeq());
  leaving(ctx, job, wasWaiting);
}

/** Extends an active job's lease (a new place among equal expiries, as the memory store). */
export function extendLease(ctx: Ctx, job: Job, lease: JobLease, expiresAt: number): void {
  lease.expiresAt = expiresAt;
  saveJob(ctx, job, ctx.nextSeq());
}

/**
 * Ends a job. The lease is left as it is: callers clear it, except cancel, which keeps it
 * so that the worker's next heartbeat or settlement (same token) answers `canceled`.
 */
export function makeFinal(ctx: Ctx, job: Job, status: 'succeeded' | 'failed' | 'canceled', now: number): void {
  const wasWaiting = job.status === 'waiting';
  job.status = status;
  job.finishedAt = now;
  saveJob(ctx, job);
  leaving(ctx, job, wasWaiting);
  if (status !== 'canceled') countActivity(ctx, job.tenant, now, status);
  if (ctx.sql('SELECT 1 FROM job_deps WHERE parent_id = ? LIMIT 1').get(job.id) !== undefined) {
    ctx
      .sql(
        `INSERT INTO pending_parents (job_id, ended_at, seq) VALUES (?, ?, ?)
         ON CONFLICT (job_id) DO UPDATE SET ended_at = excluded.ended_at`,
      )
      .run(job.id, now, ctx.nextSeq());
  }
}

/**
 * An active job's attempt ended with `error` and another follows (a retry by backoff, or
 * a lost lease with attempts left): kept among its past attempts and counted as retried.
 * Called before the job moves on, while its lease still names the worker.
 */
export function attemptRetried(ctx: Ctx, job: Job, error: JobError, now: number): void {
  keepPastAttempt(ctx, job.id, attemptEnded(job, error, now));
  countActivity(ctx, job.tenant, now, 'retried');
}
