import type { Job, JobQuery, Store } from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { FAILURE_WINDOW_MS, failuresLine, recentFailures } from './recent-failures.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');

/** A store that lists `failed` jobs a page at a time (only listJobs is called). */
function failedJobs(jobs: Pick<Job, 'tenant' | 'finishedAt'>[]): { store: Store; queries: JobQuery[] } {
  const queries: JobQuery[] = [];
  const listJobs = async (query: JobQuery) => {
    queries.push(query);
    const from = Number(query.cursor ?? 0);
    const page = jobs.slice(from, from + query.limit) as Job[];
    const next = from + query.limit;
    return { jobs: page, nextCursor: next < jobs.length ? String(next) : undefined };
  };
  return { store: { listJobs } as unknown as Store, queries };
}

describe('recentFailures', () => {
  it('counts failed jobs that finished within the hour, by tenant, whatever their order', async () => {
    const { store, queries } = failedJobs([
      { tenant: 'acme', finishedAt: NOW - 1000 },
      { tenant: 'globex', finishedAt: NOW - FAILURE_WINDOW_MS - 1 },
      { tenant: 'acme', finishedAt: NOW - FAILURE_WINDOW_MS },
      { tenant: 'globex', finishedAt: NOW - 5 },
    ]);
    const failures = await recentFailures(store, NOW);
    expect(failures).toEqual({
      byTenant: new Map([
        ['acme', 2],
        ['globex', 1],
      ]),
      total: 3,
      complete: true,
    });
    expect(queries.every((q) => q.status === 'failed')).toBe(true);
    expect(failuresLine(failures)).toBe('failures in the last hour: 3 (acme 2, globex 1)');
  });

  it('reads at most `max` jobs and then says "at least"', async () => {
    const { store, queries } = failedJobs(Array.from({ length: 30 }, () => ({ tenant: 'acme', finishedAt: NOW })));
    const failures = await recentFailures(store, NOW, 20);
    expect(failures.total).toBe(20);
    expect(failures.complete).toBe(false);
    expect(queries.reduce((n, q) => n + q.limit, 0)).toBe(20);
    expect(failuresLine(failures)).toMatch(
      /^failures in the last hour: at least 20 \(read the \d+ newest failed jobs\) \(acme 20\)$/,
    );
  });

  it('says 0 when nothing failed', async () => {
    expect(failuresLine(await recentFailures(failedJobs([]).store, NOW))).toBe('failures in the last hour: 0');
  });
});
