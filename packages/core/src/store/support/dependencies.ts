import type { Job, JobError, JobStatus } from '../../model/job.js';

/**
 * For store implementations: what a job's parents decide about it. Pure functions over
 * statuses, so that every store (whatever it keeps rows in) applies the same rules (docs/jobs.md).
 */

/** What a job's parents say about it. */
export type DependencyVerdict =
  | { kind: 'ready' }
  | { kind: 'blocked' }
  | { kind: 'failed'; parentId: string; parentStatus: JobStatus };

/**
 * A job waits until every parent has succeeded; one parent that ended failed or
 * canceled fails it, whatever the others do. A parent that is no longer kept (deleted by
 * retention, which spares parents of unfinished children, so only a retried child can
 * meet one) counts as done: there is nothing left to wait for.
 */
export function verdictOf(
  parentIds: readonly string[],
  statusOf: (id: string) => JobStatus | undefined,
): DependencyVerdict {
  let blocked = false;
  for (const parentId of parentIds) {
    const parentStatus = statusOf(parentId);
    if (parentStatus === 'failed' || parentStatus === 'canceled') return { kind: 'failed', parentId, parentStatus };
    if (parentStatus !== undefined && parentStatus !== 'succeeded') blocked = true;
  }
  return blocked ? { kind: 'blocked' } : { kind: 'ready' };
}

/** The error of a job failed because a parent ended failed or canceled. */
export function dependencyError(parentId: string, parentStatus: JobStatus): JobError {
  return { code: 'dependency_failed', message: `parent job ${parentId} ended ${parentStatus}` };
}

/**
 * Sets the first status of a new row from its parents' verdict: failed
 * (`dependency_failed`) when a parent ended failed or canceled, blocked while a parent has
 * not succeeded, delayed while `runAt` is ahead, else waiting.
 */
export function setNewJobStatus(row: Job, verdict: DependencyVerdict, now: number): void {
  if (verdict.kind === 'failed') {
    row.status = 'failed';
    row.finishedAt = now;
    row.error = dependencyError(verdict.parentId, verdict.parentStatus);
  } else if (verdict.kind === 'blocked') {
    row.status = 'blocked';
  } else {
    row.status = row.runAt !== undefined && row.runAt > now ? 'delayed' : 'waiting';
  }
}
