import { isFinalStatus, type Job } from '../model/job.js';
import type { RetentionPolicy } from '../store/store.js';
import type { MemoryState } from './state.js';

/**
 * Deletes finished (final) jobs beyond the policy, tenant by tenant: those that finished
 * more than `maxAgeMs` before `now`, and those beyond the `maxCount` most recently
 * finished. Deleting a job frees its idempotency key (a later enqueue with it creates a
 * new job) and its index entries. A job that a child not yet final depends on is kept
 * whatever its age, so that the child can still learn how its parent ended; it still
 * takes one of the `maxCount` places.
 */
export function applyRetention(state: MemoryState, policy: RetentionPolicy, now: number): number {
  const byTenant = new Map<string, Job[]>();
  for (const job of state.jobs.values()) {
    if (!isFinalStatus(job.status)) continue;
    const list = byTenant.get(job.tenant);
    if (list === undefined) byTenant.set(job.tenant, [job]);
    else list.push(job);
  }
  const doomed: string[] = [];
  for (const finished of byTenant.values()) {
    finished.sort(recentlyFinishedFirst);
    finished.forEach((job, rank) => {
      const tooOld = now - (job.finishedAt ?? job.createdAt) > policy.maxAgeMs;
      if ((tooOld || rank >= policy.maxCount) && !hasOpenChild(state, job.id)) doomed.push(job.id);
    });
  }
  for (const id of doomed) {
    state.jobs.delete(id);
    state.pendingParents.delete(id);
    state.pastAttempts.delete(id);
  }
  return doomed.length;
}

function hasOpenChild(state: MemoryState, id: string): boolean {
  for (const childId of state.jobs.childrenOf(id)) {
    const child = state.jobs.get(childId);
    if (child !== undefined && !isFinalStatus(child.status)) return true;
  }
  return false;
}

function recentlyFinishedFirst(a: Job, b: Job): number {
  const byFinish = (b.finishedAt ?? b.createdAt) - (a.finishedAt ?? a.createdAt);
  if (byFinish !== 0) return byFinish;
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
