import { describe, expect, it } from 'vitest';
import type { StoreSignal } from '../store/store.js';
import {
  allJobs,
  claimOne,
  enqueueOne,
  expectRefusal,
  type Fixture,
  failed,
  MINUTE,
  newJob,
  succeeded,
  T0,
} from './fixtures.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits (in real time, briefly: a networked store's signals travel) until `heard` has `signal`. */
async function hear(heard: readonly StoreSignal[], signal: StoreSignal): Promise<void> {
  for (let waited = 0; !heard.includes(signal) && waited < 2000; waited += 5) await sleep(5);
  expect(heard).toContain(signal);
}

export function queryTests(t: Fixture): void {
  describe('listJobs', () => {
    it('lists newest first', async () => {
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push(await enqueueOne(t.store, {}, T0 + i));
      expect((await allJobs(t.store)).map((j) => j.id)).toEqual(ids.reverse());
    });

    it('filters by tenant, status, name and tag', async () => {
      const a = await enqueueOne(t.store, { tenant: 'acme', name: 'a.x', tags: ['red', 'blue'] }, T0);
      const b = await enqueueOne(t.store, { tenant: 'acme', name: 'b.y', tags: ['blue'] }, T0 + 1);
      const c = await enqueueOne(t.store, { tenant: 'beta', name: 'a.x', runAt: T0 + MINUTE }, T0 + 2);
      const ids = async (query: object) =>
        (await t.store.listJobs({ limit: 10, ...query })).jobs.map((j) => j.id).sort();
      expect(await ids({ tenant: 'acme' })).toEqual([a, b].sort());
      expect(await ids({ status: 'delayed' })).toEqual([c]);
      expect(await ids({ name: 'a.x' })).toEqual([a, c].sort());
      expect(await ids({ tag: 'blue' })).toEqual([a, b].sort());
      expect(await ids({ tag: 'red', tenant: 'acme', name: 'a.x', status: 'waiting' })).toEqual([a]);
      expect(await ids({ tenant: 'nobody' })).toEqual([]);
    });

    it('pages through every job exactly once with the cursor', async () => {
      const ids = new Set<string>();
      // Several jobs share a createdAt, so the order must break ties itself.
      for (let i = 0; i < 25; i++) ids.add(await enqueueOne(t.store, {}, T0 + Math.floor(i / 3)));
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await t.store.listJobs({ limit: 7, ...(cursor === undefined ? {} : { cursor }) });
        expect(page.jobs.length).toBeLessThanOrEqual(7);
        seen.push(...page.jobs.map((j) => j.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== undefined && pages < 10);
      expect(pages).toBe(4);
      expect(seen).toHaveLength(25);
      expect(new Set(seen)).toEqual(ids);
      const all = (await t.store.listJobs({ limit: 100 })).jobs.map((j) => j.id);
      expect(seen).toEqual(all);
    });

    it('pages a filtered list, with no cursor after the last page', async () => {
      for (let i = 0; i < 6; i++) await enqueueOne(t.store, { tenant: i % 2 === 0 ? 'acme' : 'beta' }, T0 + i);
      const first = await t.store.listJobs({ tenant: 'beta', limit: 2 });
      expect(first.jobs).toHaveLength(2);
      expect(first.nextCursor).toBeDefined();
      const second = await t.store.listJobs({ tenant: 'beta', limit: 2, cursor: first.nextCursor });
      expect(second.jobs).toHaveLength(1);
      expect(second.nextCursor).toBeUndefined();
      expect([...first.jobs, ...second.jobs].every((j) => j.tenant === 'beta')).toBe(true);
      const exact = await t.store.listJobs({ tenant: 'acme', limit: 3 });
      expect(exact.jobs).toHaveLength(3);
      expect(exact.nextCursor).toBeUndefined();
    });

    it('refuses a cursor it did not make', async () => {
      await enqueueOne(t.store);
      await expectRefusal(t.store.listJobs({ limit: 10, cursor: 'not a cursor' }), 'invalid_argument');
    });
  });

  describe('depths', () => {
    it('counts jobs by tenant, priority and status, final ones included', async () => {
      await t.store.enqueue(
        [
          newJob({ tenant: 'acme', priority: 9 }),
          newJob({ tenant: 'acme', priority: 9 }),
          newJob({ tenant: 'acme', priority: 5 }),
          newJob({ tenant: 'beta', priority: 5, runAt: T0 + MINUTE }),
        ],
        T0,
      );
      const job = await claimOne(t.store);
      await t.store.settle([succeeded(job)], T0);
      const second = await claimOne(t.store);
      await t.store.settle([failed(second)], T0);
      const depths = await t.store.depths();
      const sorted = [...depths].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
      expect(sorted).toEqual(
        [
          { tenant: 'acme', priority: 9, status: 'succeeded', count: 1 },
          { tenant: 'acme', priority: 9, status: 'failed', count: 1 },
          { tenant: 'acme', priority: 5, status: 'waiting', count: 1 },
          { tenant: 'beta', priority: 5, status: 'delayed', count: 1 },
        ].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
      );
    });
  });

  describe('plumbing', () => {
    it('ping answers while open; after close every call is refused as unavailable', async () => {
      const store = await t.create();
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expectRefusal(store.ping(), 'unavailable');
      await expectRefusal(store.getJob('acme:x'), 'unavailable');
      await expectRefusal(store.enqueue([newJob()], T0), 'unavailable');
    });

    it('signals ready for a waiting job and due for an earlier due time', async () => {
      if (t.harness.supportsSignals === false) return;
      const signals: StoreSignal[] = [];
      const unsubscribe = t.store.subscribe((s) => signals.push(s));
      await enqueueOne(t.store);
      await hear(signals, 'ready');
      signals.length = 0;
      await enqueueOne(t.store, { runAt: T0 + MINUTE });
      await hear(signals, 'due');
      unsubscribe();
      signals.length = 0;
      await enqueueOne(t.store);
      await sleep(20);
      expect(signals).toEqual([]);
    });

    it('a listener that throws breaks neither the write nor other listeners', async () => {
      if (t.harness.supportsSignals === false) return;
      const heard: StoreSignal[] = [];
      const off1 = t.store.subscribe(() => {
        throw new Error('listener broke');
      });
      const off2 = t.store.subscribe((s) => heard.push(s));
      const id = await enqueueOne(t.store);
      await hear(heard, 'ready');
      expect((await t.store.getJob(id))?.status).toBe('waiting');
      off1();
      off2();
    });
  });
}
