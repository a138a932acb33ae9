import type { Store } from '@cadenza/core';
import { definedOnly } from '@cadenza/core';

/** `cadenza status` counts failures over the last hour. */
export const FAILURE_WINDOW_MS = 60 * 60 * 1000;
/** The most failed jobs it reads: `status` must answer quickly however large the backlog. */
export const MAX_FAILED_READ = 10_000;
const PAGE = 500;

export interface RecentFailures {
  /** Failed jobs whose `finishedAt` is within the window, by tenant. */
  byTenant: Map<string, number>;
  total: number;
  /** False when the read stopped at MAX_FAILED_READ with more failed jobs left unread. */
  complete: boolean;
}

/**
 * Counts jobs that ended `failed` in the last hour. The store lists failed jobs newest
 * first by creation, not by when they failed (a job created yesterday may have failed a
 * minute ago after its retries), so every failed job is looked at, up to MAX_FAILED_READ.
 */
export async function recentFailures(store: Store, now: number, max = MAX_FAILED_READ): Promise<RecentFailures> {
  const byTenant = new Map<string, number>();
  let total = 0;
  let read = 0;
  let cursor: string | undefined;
  do {
    const page = await store.listJobs({
      status: 'failed',
      limit: Math.min(PAGE, max - read),
      ...definedOnly({ cursor }),
    });
    read += page.jobs.length;
    for (const job of page.jobs) {
      if (job.finishedAt === undefined || now - job.finishedAt > FAILURE_WINDOW_MS) continue;
      byTenant.set(job.tenant, (byTenant.get(job.tenant) ?? 0) + 1);
      total++;
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined && read < max);
  return { byTenant, total, complete: cursor === undefined };
}

/** `failures in the last hour: 7 (acme 5, globex 2)`; "at least" when the read was cut short. */
export function failuresLine(failures: RecentFailures): string {
  const count = failures.complete
    ? String(failures.total)
    : `at least ${failures.total} (read the ${MAX_FAILED_READ} newest failed jobs)`;
  const tenants = [...failures.byTenant.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([tenant, n]) => `${tenant} ${n}`);
  return `failures in the last hour: ${count}${tenants.length === 0 ? '' : ` (${tenants.join(', ')})`}`;
}
