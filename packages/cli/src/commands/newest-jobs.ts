import type { JobQuery, ListedJob, Store } from '@cadenza/core';
import { definedOnly } from '@cadenza/core';

/**
 * Up to `limit` jobs matching `filters`, newest first, for `cadenza jobs`. A store may
 * answer a page with fewer jobs than asked, even none, while it gives a cursor (it stopped
 * after a bounded read), so pages are read until there are `limit` jobs or no cursor.
 */
export async function newestJobs(
  store: Store,
  filters: Omit<JobQuery, 'limit' | 'cursor'>,
  limit: number,
): Promise<ListedJob[]> {
  const jobs: ListedJob[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listJobs({
      ...filters,
      limit: limit - jobs.length,
      ...definedOnly({ cursor }),
    });
    jobs.push(...page.jobs);
    cursor = page.nextCursor;
  } while (cursor !== undefined && jobs.length < limit);
  return jobs;
}
