import type { Job, JobError, JobLease, JobStatus } from '../model/job.js';
import type { PastAttempt } from '../store/store.js';
import { attemptEnded, withAttempt } from '../store/support/past-attempts.js';
import type { MemoryState } from './state.js';

/*
 * Where each status lives, and the moves between them. Every status change goes through
 * these functions, so a job is always in exactly the index its status says:
 *
 *   waiting ── the ready queues (ready-queues.ts)      signal 'ready' on entry
 *   delayed ── `delayed`, by runAt                     promoted by the coordinator
 *   blocked ── nowhere but its parents' children sets  released by releaseDependents
 *   active  ── `leases`, by lease expiry               taken back when it expires;
 *              also counted per tenant (state.limits), for `maxActive`, and holding
 *              the units of its gates (state.holdings), for resources and jobConcurrency
 *   final   ── nowhere (retention scans for them); a final job with children is noted in
 *              `pendingParents` so that releaseDependents settles them.
 *
 * Every status is also a list of the job table's listing (for listJobs), moved by setStatus.
 */

function setStatus(state: MemoryState, job: Job, status: JobStatus): void {
  const from = job.status;
  job.status = status;
  state.jobs.statusChanged(job, from);
}

/** Takes a job out of the index its current status keeps it in. */
function detach(state: MemoryState, job: Job): void {
  switch (job.status) {
    case 'waiting':
      state.ready.remove(job.tenant, job.priority, job.id);
      break;
    case 'delayed':
      state.delayed.delete(job.id);
      break;
    case 'active':
      state.leases.delete(job.id);
      state.limits.stopped(job.tenant);
      state.holdings.stopped(job);
      break;
    default:
      break;
  }
}

/** Files a job just inserted into the index of the status it was created with. */
export function fileNewJob(state: MemoryState, job: Job): void {
  // Created failed (a parent failed first): it ended, for the activity counts.
  if (job.status === 'failed') state.activity.count(job.tenant, job.finishedAt ?? job.createdAt, 'failed');
  if (job.status === 'waiting') {
    state.ready.push(job.tenant, job.priority, job.id);
    state.signals.emit('ready');
  } else if (job.status === 'delayed' && job.runAt !== undefined) {
    state.delayed.set(job.id, job.runAt);
  }
}

/** Ready to run: at the back of its tenant's queue. A waiting job holds no lease. */
export function makeWaiting(state: MemoryState, job: Job): void {
  detach(state, job);
  setStatus(state, job, 'waiting');
  job.lease = undefined;
  state.ready.push(job.tenant, job.priority, job.id);
  state.signals.emit('ready');
}

/** Not before `runAt`. */
export function makeDelayed(state: MemoryState, job: Job, runAt: number): void {
  detach(state, job);
  setStatus(state, job, 'delayed');
  job.runAt = runAt;
  job.lease = undefined;
  state.delayed.set(job.id, runAt);
}

/** Waiting, or delayed when its `runAt` is still to come. */
export function makeRunnable(state: MemoryState, job: Job, now: number): void {
  if (job.runAt !== undefined && job.runAt > now) makeDelayed(state, job, job.runAt);
  else makeWaiting(state, job);
}

export function makeBlocked(state: MemoryState, job: Job): void {
  detach(state, job);
  setStatus(state, job, 'blocked');
  job.lease = undefined;
}

/** A new attempt starts: the attempt counts from here, whatever becomes of it. */
export function makeActive(state: MemoryState, job: Job, lease: JobLease, now: number): void {
  detach(state, job);
  setStatus(state, job, 'active');
  job.attempt += 1;
  job.startedAt = now;
  job.progress = undefined;
  job.lease = lease;
  state.leases.set(job.id, lease.expiresAt);
  state.limits.started(job.tenant);
  state.holdings.started(job);
}

/** Extends an active job's lease. */
export function extendLease(state: MemoryState, job: Job, lease: JobLease, expiresAt: number): void {
  lease.expiresAt = expiresAt;
  state.leases.set(job.id, expiresAt);
}

/**
 * Ends a job. The lease is left as it is: callers clear it, except cancel, which keeps it
 * so that the worker's next heartbeat or settlement (same token) answers `canceled`.
 */
export function makeFinal(state: MemoryState, job: Job, status: FinalStatus, now: number): void {
  detach(state, job);
  setStatus(state, job, status);
  job.finishedAt = now;
  if (status !== 'canceled') state.activity.count(job.tenant, now, status);
  if (state.jobs.hasChildren(job.id)) state.pendingParents.set(job.id, now);
}

/**
 * An active job's attempt ended with `error` and another follows (a retry by backoff, or
 * a lost lease with attempts left): kept among its past attempts and counted as retried.
 * Called before the job moves on, while its lease still names the worker.
 */
export function attemptRetried(state: MemoryState, job: Job, error: JobError, now: number): void {
  keepPastAttempt(state, job.id, attemptEnded(job, error, now));
  state.activity.count(job.tenant, now, 'retried');
}

export function keepPastAttempt(state: MemoryState, jobId: string, attempt: PastAttempt): void {
  state.pastAttempts.set(jobId, withAttempt(state.pastAttempts.get(jobId) ?? [], attempt));
}

type FinalStatus = 'succeeded' | 'failed' | 'canceled';
