import { invalidArgument } from '../errors.js';
import { JOB_STATUSES, type Job } from '../model/job.js';
import type { JobPage, JobQuery, QueueDepth } from '../store/store.js';
import { checkCount } from '../store/support/arguments.js';
import { decodeCursor, encodeCursor } from '../store/support/cursor.js';
import { newestFirst } from './job-table.js';
import type { MemoryState } from './state.js';

/**
 * Newest first (by `createdAt`, then id, both descending). The cursor is the last job's
 * (createdAt, id); the next page starts strictly after it in that order, so paging sees
 * each job once even while jobs are added (newer ones land before the cursor, unseen).
 */
export function listJobs(state: MemoryState, query: JobQuery): JobPage {
  const limit = checkCount('limit', query.limit, 1);
  if (query.status !== undefined && !JOB_STATUSES.includes(query.status)) {
    throw invalidArgument('status', query.status, `one of ${JOB_STATUSES.join(', ')}`);
  }
  const all = state.jobs.newestFirst();
  let start = 0;
  if (query.cursor !== undefined) {
    const [createdAt, id] = decodeCursor(query.cursor, 'ns');
    start = firstAfter(all, { createdAt: Number(createdAt), id: String(id) });
  }
  const jobs: Job[] = [];
  let more = false;
  for (let i = start; i < all.length; i++) {
    const job = all[i];
    if (job === undefined || !matches(job, query)) continue;
    if (jobs.length === limit) {
      more = true;
      break;
    }
    jobs.push(job);
  }
  const last = jobs[jobs.length - 1];
  return { jobs, nextCursor: more && last !== undefined ? encodeCursor([last.createdAt, last.id]) : undefined };
}

function matches(job: Job, query: JobQuery): boolean {
  return (
    (query.tenant === undefined || job.tenant === query.tenant) &&
    (query.status === undefined || job.status === query.status) &&
    (query.name === undefined || job.name === query.name) &&
    (query.tag === undefined || job.tags.includes(query.tag))
  );
}

/** Index of the first job that sorts strictly after `key` (binary search). */
function firstAfter(sorted: readonly Job[], key: Pick<Job, 'createdAt' | 'id'>): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    const job = sorted[mid];
    if (job !== undefined && newestFirst(job, key) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Counts by tenant, priority and status; sorted by tenant, then priority (high first), then status. */
export function depths(state: MemoryState): QueueDepth[] {
  const counts = new Map<string, QueueDepth>();
  for (const job of state.jobs.values()) {
    const key = `${job.tenant}\u0000${job.priority}\u0000${job.status}`;
    const depth = counts.get(key);
    if (depth === undefined)
      counts.set(key, { tenant: job.tenant, priority: job.priority, status: job.status, count: 1 });
    else depth.count++;
  }
  return [...counts.values()].sort(
    (a, b) =>
      (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0) ||
      b.priority - a.priority ||
      JOB_STATUSES.indexOf(a.status) - JOB_STATUSES.indexOf(b.status),
  );
}
