import { isFinalStatus, type JobStatus, type ListedJob, type NewJob } from '@cadenza/core';

// What a job becomes when it is copied into another store (docs/operations.md, "Moving to
// another store"): only the Store's own `enqueue` writes it, so everything the copy carries
// must fit a NewJob. migrate, export and import all go through here.

/** The statuses copied: a job in any other is finished, and stays behind. */
export const UNFINISHED: readonly JobStatus[] = ['waiting', 'delayed', 'active', 'blocked'];

/** A job on its way to another store: the NewJob to enqueue, and the status it had at the source. */
export interface CopyJob {
  job: NewJob;
  was: JobStatus;
}

/**
 * The NewJob that carries `job` over. `unfinishedParents` are those of its parents that are
 * themselves being copied: a parent that succeeded is satisfied already.
 *
 * - `maxAttempts` is lowered by the attempts already used (an active job's current one
 *   counts), never below 1: no store verb sets a job's attempt counter, so the retry budget
 *   travels instead, and no job runs more times in all than it was allowed (but for one
 *   interrupted in its last attempt, which still gets one: a copy that could never run
 *   would be no copy).
 * - An active job's attempt was interrupted: it arrives ready, as lease recovery would leave it.
 * - `runAt` is kept for a delayed or blocked job (a blocked one may still have a time to
 *   wait for once released); a waiting or active job is ready, whatever time it once had.
 */
export function copyOfJob(job: ListedJob, unfinishedParents: readonly string[]): NewJob {
  const keepsRunAt = job.status === 'delayed' || job.status === 'blocked';
  return {
    id: job.id,
    name: job.name,
    tenant: job.tenant,
    payload: job.payload ?? null,
    priority: job.priority,
    tags: [...job.tags],
    maxAttempts: Math.max(1, job.maxAttempts - job.attempt),
    backoff: job.backoff === undefined ? undefined : { ...job.backoff },
    timeoutMs: job.timeoutMs,
    idempotencyKey: job.idempotencyKey,
    dependsOn: [...unfinishedParents],
    runAt: keepsRunAt ? job.runAt : undefined,
    scheduleId: job.scheduleId,
    scheduledFor: job.scheduledFor,
    ...(job.resources === undefined ? {} : { resources: { ...job.resources } }),
  };
}

/** What a parent's status means for a child being copied. */
export function parentVerdict(status: JobStatus | undefined): 'copied' | 'satisfied' | 'doomed' {
  // A parent gone from the store (retention deleted it) can no longer hold its child back.
  if (status === undefined || status === 'succeeded') return 'satisfied';
  return isFinalStatus(status) ? 'doomed' : 'copied';
}

/**
 * The status a copy has in its target at `now`, before any process touches it: blocked
 * while it waits for a parent, delayed while its time is ahead, else waiting. Both sides of
 * a verification are seen this way (see `seenStatus`), so that a delayed job that fell due
 * between the copy and the check is not taken for a difference.
 */
export function expectedStatus(job: NewJob, now: number): JobStatus {
  if (job.dependsOn.length > 0) return 'blocked';
  return job.runAt !== undefined && job.runAt > now ? 'delayed' : 'waiting';
}

/** A target job's status as a verification counts it: active as waiting, a delayed job that is due as waiting. */
export function seenStatus(job: Pick<ListedJob, 'status' | 'runAt'>, now: number): JobStatus {
  if (job.status === 'active') return 'waiting';
  if (job.status === 'delayed' && (job.runAt === undefined || job.runAt <= now)) return 'waiting';
  return job.status;
}
