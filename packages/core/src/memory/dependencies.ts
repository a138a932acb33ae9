import type { Job, JobStatus } from '../model/job.js';
import { dependencyError, verdictOf } from '../store/support/dependencies.js';
import { makeFinal, makeRunnable } from './job-states.js';
import type { MemoryState } from './state.js';

/** Fails a job because of a parent; its own children follow through `pendingParents`. */
export function failForParent(
  state: MemoryState,
  job: Job,
  parentId: string,
  parentStatus: JobStatus,
  now: number,
): void {
  job.error = dependencyError(parentId, parentStatus);
  job.lease = undefined;
  makeFinal(state, job, 'failed', now);
}

/**
 * Settles the blocked children of parents that ended, in the order the parents ended. A
 * child whose parents all succeeded becomes runnable; a child of a failed or canceled
 * parent fails with `dependency_failed`, which makes it a pending parent in turn, and the
 * loop (a Map iterated while it grows) reaches its children within the same call while
 * the limit allows: a failure cascades down a whole chain in one call. A child with other
 * parents still running stays blocked; the last of them to end releases it.
 *
 * `limit` bounds the children changed, checked between parents (a parent's children are
 * handled together), so the count may exceed it a little; a count at or above the limit
 * tells the caller to call again.
 */
export function releaseDependents(state: MemoryState, now: number, limit: number): number {
  let changed = 0;
  const statusOf = (id: string) => state.jobs.get(id)?.status;
  for (const [parentId] of state.pendingParents) {
    if (changed >= limit) break;
    state.pendingParents.delete(parentId);
    for (const childId of state.jobs.childrenOf(parentId)) {
      const child = state.jobs.get(childId);
      if (child === undefined || child.status !== 'blocked') continue;
      const verdict = verdictOf(child.dependsOn, statusOf);
      if (verdict.kind === 'blocked') continue;
      if (verdict.kind === 'failed') failForParent(state, child, verdict.parentId, verdict.parentStatus, now);
      else makeRunnable(state, child, now);
      changed++;
    }
  }
  return changed;
}
