import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../model/job.js';
import type { JobQuery, ListedJob } from '../store/store.js';
import { definedOnly } from '../util/defined-only.js';
import {
  allJobs,
  claimJobs,
  claimOne,
  enqueueOne,
  expectRefusal,
  type Fixture,
  failed,
  lead,
  MINUTE,
  succeeded,
  T0,
} from './fixtures.js';

/*
 * listJobs as a caller sees it: pages newest first, each at most `limit` jobs but perhaps
 * fewer (even none) while `nextCursor` is set, read until `nextCursor` is undefined. So
 * these tests read lists through `allJobs` (or page by hand) and never take a short page
 * for the end: a store that stops each call after a bounded read passes them too.
 */

type Filters = Pick<JobQuery, 'tenant' | 'status' | 'name' | 'tag'>;

function matches(job: ListedJob, filters: Filters): boolean {
  return (
    (filters.tenant === undefined || job.tenant === filters.tenant) &&
    (filters.status === undefined || job.status === filters.status) &&
    (filters.name === undefined || job.name === filters.name) &&
    (filters.tag === undefined || job.tags.includes(filters.tag))
  );
}

/** Every combination of the given filters, from none to all of them. */
function combinations(filters: Filters): Filters[] {
  let all: Filters[] = [{}];
  for (const [key, value] of Object.entries(filters)) {
    all = [...all, ...all.map((combo) => ({ ...combo, [key]: value }))];
  }
  return all;
}

const ids = (jobs: readonly ListedJob[]): string[] => jobs.map((j) => j.id);

export function listJobsTests(t: Fixture): void {
  describe('listJobs', () => {
    it('lists newest first', async () => {
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await enqueueOne(t.store, {}, T0 + i));
      expect(ids(await allJobs(t.store))).toEqual(made.reverse());
    });

    it('answers each combination of tenant, status, name and tag with exactly its jobs, newest first', async () => {
      const TAGS = [[], ['red'], ['red', 'blue'], ['blue']];
      const made: string[] = [];
      for (let i = 0; i < 16; i++) {
        const fields = {
          tenant: i % 2 === 0 ? 'acme' : 'beta',
          name: i % 3 === 0 ? 'b.y' : 'a.x',
          tags: TAGS[i % 4] ?? [],
          ...(i % 5 === 4 ? { runAt: T0 + MINUTE } : {}),
        };
        made.push(await enqueueOne(t.store, fields, T0 + i));
      }
      // Some of the oldest run: two succeed, one fails, one stays active.
      const [a, b, c, d] = await claimJobs(t.store, 4, T0 + 20);
      if (a === undefined || b === undefined || c === undefined || d === undefined)
        throw new Error('claimed fewer than 4');
      await t.store.settle([succeeded(a), succeeded(b), failed(c)], T0 + 21);

      const everything = await allJobs(t.store);
      expect(ids(everything).sort()).toEqual([...made].sort());
      const statuses = new Set(everything.map((j) => j.status));
      expect([...statuses].sort()).toEqual(['active', 'delayed', 'failed', 'succeeded', 'waiting']);

      const asked: Filters[] = [
        ...combinations({ tenant: 'acme', status: 'waiting', name: 'a.x', tag: 'red' }),
        ...combinations({ tenant: 'beta', status: 'delayed', name: 'b.y', tag: 'blue' }),
        ...(['active', 'succeeded', 'failed', 'blocked'] as JobStatus[]).map((status) => ({ status })),
        { tenant: 'nobody' },
        { tag: 'green' },
      ];
      let nonEmpty = 0;
      for (const filters of asked) {
        const expected = ids(everything.filter((j) => matches(j, filters)));
        if (expected.length > 0) nonEmpty++;
        expect(ids(await allJobs(t.store, { ...filters, limit: 2 })), JSON.stringify(filters)).toEqual(expected);
      }
      expect(nonEmpty).toBeGreaterThan(20);
    });

    it('lists a job under its current status only, and once, as it moves', async () => {
      const id = await enqueueOne(t.store);
      const under = async (status: JobStatus) => ids(await allJobs(t.store, { status }));
      expect(await under('waiting')).toEqual([id]);
      const first = await claimOne(t.store, T0 + 1);
      expect(await under('waiting')).toEqual([]);
      expect(await under('active')).toEqual([id]);
      await t.store.settle([failed(first)], T0 + 2);
      expect(await under('active')).toEqual([]);
      expect(await under('failed')).toEqual([id]);
      // Back to a status it had before: listed there once, not twice.
      await t.store.retry(id, T0 + 3);
      expect(await under('failed')).toEqual([]);
      expect(await under('waiting')).toEqual([id]);
      await t.store.settle([succeeded(await claimOne(t.store, T0 + 4))], T0 + 5);
      expect(await under('waiting')).toEqual([]);
      expect(await under('succeeded')).toEqual([id]);
      expect(ids(await allJobs(t.store))).toEqual([id]);
    });

    it('pages through every job exactly once, in order, at most limit a page', async () => {
      const made = new Set<string>();
      // Several jobs share a createdAt, so the order must break ties itself.
      for (let i = 0; i < 25; i++) made.add(await enqueueOne(t.store, {}, T0 + Math.floor(i / 3)));
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await t.store.listJobs({ limit: 7, ...definedOnly({ cursor }) });
        expect(page.jobs.length).toBeLessThanOrEqual(7);
        expect(page.nextCursor === undefined || page.nextCursor !== cursor).toBe(true);
        seen.push(...ids(page.jobs));
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== undefined && pages < 100);
      expect(cursor).toBeUndefined();
      expect(pages).toBeGreaterThanOrEqual(4);
      expect(seen).toHaveLength(25);
      expect(new Set(seen)).toEqual(made);
      expect(seen).toEqual(ids(await allJobs(t.store, { limit: 100 })));
    });

    it('pages a filtered list to its end with only matching jobs', async () => {
      const beta: string[] = [];
      for (let i = 0; i < 9; i++) {
        const id = await enqueueOne(t.store, { tenant: i % 3 === 0 ? 'beta' : 'acme' }, T0 + i);
        if (i % 3 === 0) beta.unshift(id);
      }
      const pages: ListedJob[][] = [];
      let cursor: string | undefined;
      do {
        const page = await t.store.listJobs({ tenant: 'beta', limit: 2, ...definedOnly({ cursor }) });
        expect(page.jobs.length).toBeLessThanOrEqual(2);
        pages.push(page.jobs);
        cursor = page.nextCursor;
      } while (cursor !== undefined && pages.length < 100);
      expect(cursor).toBeUndefined();
      expect(ids(pages.flat())).toEqual(beta);
    });

    it('shows no job added while paging, and no job twice', async () => {
      const made: string[] = [];
      for (let i = 0; i < 10; i++) made.unshift(await enqueueOne(t.store, {}, T0 + i));
      const seen: string[] = [];
      let page = await t.store.listJobs({ limit: 4 });
      seen.push(...ids(page.jobs));
      // Newer jobs arrive between pages: they sort before the cursor, so the reader misses them.
      for (let i = 0; i < 5; i++) await enqueueOne(t.store, {}, T0 + MINUTE + i);
      while (page.nextCursor !== undefined) {
        page = await t.store.listJobs({ limit: 4, cursor: page.nextCursor });
        seen.push(...ids(page.jobs));
      }
      expect(seen).toEqual(made);
    });

    it('leaves payload and result out unless include asks for them; error always stays', async () => {
      const done = await enqueueOne(t.store, { payload: { n: 1 } }, T0);
      const broke = await enqueueOne(t.store, { payload: { n: 2 } }, T0 + 1);
      await t.store.settle([succeeded(await claimOne(t.store, T0 + 2), { sum: 3 })], T0 + 3);
      await t.store.settle([failed(await claimOne(t.store, T0 + 4))], T0 + 5);
      const listed = async (query: Omit<JobQuery, 'limit'> = {}) => {
        const jobs = await allJobs(t.store, query);
        const byId = new Map(jobs.map((j) => [j.id, j]));
        return { done: byId.get(done), broke: byId.get(broke) };
      };

      for (const query of [{}, { include: {} }, { include: { payload: false, result: false } }]) {
        const plain = await listed(query);
        for (const job of [plain.done, plain.broke]) {
          expect(job).toBeDefined();
          expect(Object.keys(job ?? {})).not.toContain('payload');
          expect(Object.keys(job ?? {})).not.toContain('result');
        }
        expect(plain.broke?.error).toEqual({ code: 'handler_error', message: 'it broke' });
        expect(plain.done?.status).toBe('succeeded');
      }

      const withPayload = await listed({ include: { payload: true } });
      expect(withPayload.done?.payload).toEqual({ n: 1 });
      expect(withPayload.broke?.payload).toEqual({ n: 2 });
      expect(Object.keys(withPayload.done ?? {})).not.toContain('result');

      const withResult = await listed({ status: 'succeeded', include: { result: true } });
      expect(withResult.done?.result).toEqual({ sum: 3 });
      expect(Object.keys(withResult.done ?? {})).not.toContain('payload');

      const both = await listed({ include: { payload: true, result: true } });
      expect(both.done).toMatchObject({ payload: { n: 1 }, result: { sum: 3 } });
      expect(both.broke?.error).toEqual({ code: 'handler_error', message: 'it broke' });

      // getJob is whole, always.
      expect(await t.store.getJob(done)).toMatchObject({ payload: { n: 1 }, result: { sum: 3 } });
    });

    it('refuses a bad include or filter, naming the field', async () => {
      await enqueueOne(t.store);
      const bad: [string, unknown][] = [
        ['include', { include: { everything: true } }],
        ['include', { include: 'payload' }],
        ['include', { include: ['payload'] }],
        ['include', { include: null }],
        ['include.payload', { include: { payload: 'yes' } }],
        ['status', { status: 'done' }],
        ['limit', { limit: 0 }],
        ['tenant', { tenant: 7 }],
      ];
      for (const [field, query] of bad) {
        const error = await expectRefusal(t.store.listJobs({ limit: 10, ...(query as object) }), 'invalid_argument');
        expect(error.message.startsWith(`${field}:`), error.message).toBe(true);
      }
    });

    it('refuses a cursor it did not make', async () => {
      await enqueueOne(t.store);
      await expectRefusal(t.store.listJobs({ limit: 10, cursor: 'not a cursor' }), 'invalid_argument');
    });

    it('a cursor holds its place after the job it names is deleted', async () => {
      const fence = await lead(t.store);
      const made: string[] = [];
      // The fourth job made (third newest) runs first: it alone will end.
      for (let i = 0; i < 6; i++) made.unshift(await enqueueOne(t.store, { priority: i === 3 ? 9 : 5 }, T0 + i));
      const first = await t.store.listJobs({ limit: 3 });
      expect(ids(first.jobs)).toEqual(made.slice(0, 3));
      const ended = await claimOne(t.store, T0 + 10);
      expect(ended.id).toBe(made[2]);
      await t.store.settle([succeeded(ended)], T0 + 11);
      const keepNone = { maxAgeMs: Number.POSITIVE_INFINITY, maxCount: 0 };
      expect(await t.store.applyRetention(fence, keepNone, T0 + 12)).toBe(1);
      const rest: string[] = [];
      let cursor = first.nextCursor;
      while (cursor !== undefined) {
        const page = await t.store.listJobs({ limit: 3, cursor });
        rest.push(...ids(page.jobs));
        cursor = page.nextCursor;
      }
      expect(rest).toEqual(made.slice(3));
    });
  });
}
