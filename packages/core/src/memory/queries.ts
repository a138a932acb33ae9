import { JOB_STATUSES, type Job } from '../model/job.js';
import type { JobPage, JobQuery, ListedJob, QueueDepth } from '../store/store.js';
import { type CheckedJobQuery, checkJobQuery, listCursor, listedJob } from '../store/support/job-query.js';
import type { MemoryState } from './state.js';

/**
 * The most list entries one call reads (its `limit`, when that is more): a filter that
 * few jobs match, read from the list of another filter, gives a short page with a cursor
 * rather than a walk through every job.
 */
export const MAX_LIST_READ = 10_000;

/**
 * Newest first (by `createdAt`, then id, both descending), read from the listing of the
 * most selective filter (job-listing.ts) and checked against the others. The cursor is
 * the (createdAt, id) of the last job returned, or of the last one read when the read
 * stopped at `maxRead` before the page was full; the next page starts strictly after it,
 * so paging sees each job once even while jobs are added (newer ones land before the
 * cursor, unseen).
 */
export function listJobs(state: MemoryState, query: JobQuery, maxRead = MAX_LIST_READ): JobPage {
  const checked = checkJobQuery(query);
  const budget = Math.max(maxRead, checked.limit);
  const jobs: ListedJob[] = [];
  let read = 0;
  let lastRead: Job | undefined;
  let lastListed: Job | undefined;
  for (const job of state.jobs.listing.narrowest(checked).newestFirst(checked.after)) {
    const match = matches(job, checked);
    // A full page and one more match: the next page starts after this page's last job.
    if (match && lastListed !== undefined && jobs.length === checked.limit) {
      return { jobs, nextCursor: listCursor(lastListed) };
    }
    // Read enough: the next page starts after the last job read, whatever this page holds.
    if (lastRead !== undefined && read === budget) return { jobs, nextCursor: listCursor(lastRead) };
    read++;
    lastRead = job;
    if (match && jobs.length < checked.limit) {
      jobs.push(listedJob(job, checked.include));
      lastListed = job;
    }
  }
  return { jobs, nextCursor: undefined };
}

function matches(job: Job, query: CheckedJobQuery): boolean {
  return (
    (query.tenant === undefined || job.tenant === query.tenant) &&
    (query.status === undefined || job.status === query.status) &&
    (query.name === undefined || job.name === query.name) &&
    (query.tag === undefined || job.tags.includes(query.tag))
  );
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
