import { describe, expect, it } from 'vitest';
import type { Job, JobStatus } from '../model/job.js';
import { gatesOf } from '../store/support/gates.js';
import { newestFirst } from '../store/support/job-query.js';
import { allJobs, claimJobs, failed, lead, newJob, succeeded, T0 } from '../testing/fixtures.js';
import { applyInserts, planInserts } from './enqueue.js';
import { createMemoryStore } from './memory-store.js';
import { listJobs } from './queries.js';
import { MemoryState } from './state.js';

function stateWith(jobs: Parameters<typeof newJob>[0][]): MemoryState {
  const state = new MemoryState(
    () => 1,
    () => undefined,
    gatesOf(),
  );
  jobs.forEach((fields, i) => {
    applyInserts(state, planInserts(state, [newJob(fields, T0 + i)], T0 + i, 'check'));
  });
  return state;
}

describe('memory listJobs', () => {
  it('reads at most maxRead entries a call: a sparse filter gives short pages with a cursor, and reading on finds every match', () => {
    // acme's list and the list of name "rare" both hold 603 jobs; 3 jobs are in both.
    const fields: Parameters<typeof newJob>[0][] = [];
    for (let i = 0; i < 1200; i++)
      fields.push({ tenant: i % 2 === 0 ? 'acme' : 'beta', name: i % 2 === 0 ? 'common' : 'rare' });
    for (const at of [100, 700, 1100]) fields.splice(at, 0, { tenant: 'acme', name: 'rare' });
    const state = stateWith(fields);
    const found: string[] = [];
    let cursor: string | undefined;
    let calls = 0;
    let emptyWithCursor = 0;
    do {
      const page = listJobs(state, { tenant: 'acme', name: 'rare', limit: 10, ...(cursor ? { cursor } : {}) }, 50);
      calls++;
      if (page.jobs.length === 0 && page.nextCursor !== undefined) emptyWithCursor++;
      found.push(...page.jobs.map((j) => j.id));
      cursor = page.nextCursor;
    } while (cursor !== undefined && calls < 100);
    const expected = [...state.jobs.values()]
      .filter((j) => j.tenant === 'acme' && j.name === 'rare')
      .sort(newestFirst)
      .map((j) => j.id);
    expect(expected).toHaveLength(3);
    expect(found).toEqual(expected);
    // 603 entries, 50 a call: 13 calls (the last finds the end), most of them empty.
    expect(calls).toBe(13);
    expect(emptyWithCursor).toBeGreaterThan(8);
  });

  it('reads a whole page when the limit is above maxRead', () => {
    const state = stateWith(Array.from({ length: 30 }, () => ({})));
    const page = listJobs(state, { limit: 20 }, 5);
    expect(page.jobs).toHaveLength(20);
    expect(page.nextCursor).toBeDefined();
  });

  it('keeps every status list right through many moves, retries and deletions', async () => {
    const store = createMemoryStore();
    const fence = await lead(store);
    await store.enqueue(
      Array.from({ length: 400 }, (_, i) => newJob({ tenant: i % 3 === 0 ? 'beta' : 'acme' }, T0 + i)),
      T0 + 400,
    );
    let now = T0 + 1000;
    for (let round = 0; round < 8; round++) {
      const claimed = await claimJobs(store, 60, now++);
      await store.settle(
        claimed.map((job, i) => (i % 3 === 0 ? failed(job) : succeeded(job))),
        now++,
      );
      const failedOnes = await allJobs(store, { status: 'failed' });
      for (const job of failedOnes.slice(0, 10)) await store.retry(job.id, now++);
      await store.applyRetention(fence, { maxAgeMs: Number.POSITIVE_INFINITY, maxCount: 40 }, now++);

      const truth = store.exportState().jobs as Job[];
      for (const status of ['waiting', 'active', 'succeeded', 'failed'] as JobStatus[]) {
        for (const tenant of [undefined, 'acme']) {
          const expected = truth
            .filter((j) => j.status === status && (tenant === undefined || j.tenant === tenant))
            .sort(newestFirst)
            .map((j) => j.id);
          const listed = await allJobs(store, { status, ...(tenant ? { tenant } : {}), limit: 7 });
          expect(
            listed.map((j) => j.id),
            `${status} ${tenant ?? ''} round ${round}`,
          ).toEqual(expected);
        }
      }
    }
  });
});
