import type { Job, JobStatus } from '@cadenza/core';
import { dependencyError, verdictOf } from '@cadenza/core/store-kit';
import type { Ctx } from './context.js';
import { makeFinal, makeRunnable } from './job-states.js';
import { loadJob, statusOf } from './rows.js';

/**
 * Settles the blocked children of parents that ended, in the order the parents ended
 * (`pending_parents.seq`). A child whose parents all succeeded becomes runnable; a child
 * of a failed or canceled parent fails with `dependency_failed`, which makes it a pending
 * parent in turn, so a failure cascades down a chain in one call while the limit allows.
 * `limit` is checked between parents, as in the memory store.
 */
export function releaseDependents(ctx: Ctx, now: number, limit: number): number {
  let changed = 0;
  const status = (id: string) => statusOf(ctx, id);
  while (changed < limit) {
    const pending = ctx.sql('SELECT job_id FROM pending_parents ORDER BY seq LIMIT 1').get() as
      | { job_id: string }
      | undefined;
    if (pending === undefined) break;
    ctx.sql('DELETE FROM pending_parents WHERE job_id = ?').run(pending.job_id);
    const children = ctx
      .sql(
        `SELECT j.id FROM job_deps d JOIN jobs j ON j.id = d.child_id
         WHERE d.parent_id = ? AND j.status = 'blocked' ORDER BY d.seq`,
      )
      .all(pending.job_id) as { id: string }[];
    for (const { id } of children) {
      const child = loadJob(ctx, id);
      if (child === undefined || child.status !== 'blocked') continue;
      const verdict = verdictOf(child.dependsOn, status);
      if (verdict.kind === 'blocked') continue;
      if (verdict.kind === 'failed') failForParent(ctx, child, verdict.parentId, verdict.parentStatus, now);
      else makeRunnable(ctx, child, now);
      changed++;
    }
  }
  return changed;
}

function failForParent(ctx: Ctx, job: Job, parentId: string, parentStatus: JobStatus, now: number): void {
  job.error = dependencyError(parentId, parentStatus);
  job.lease = undefined;
  makeFinal(ctx, job, 'failed', now);
}
