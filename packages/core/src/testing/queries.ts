import { describe, expect, it } from 'vitest';
import type { StoreSignal } from '../store/store.js';
import {
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
import { listJobsTests } from './list-jobs.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits (in real time, briefly: a networked store's signals travel) until `heard` has `signal`. */
async function hear(heard: readonly StoreSignal[], signal: StoreSignal): Promise<void> {
  for (let waited = 0; !heard.includes(signal) && waited < 2000; waited += 5) await sleep(5);
  expect(heard).toContain(signal);
}

export function queryTests(t: Fixture): void {
  listJobsTests(t);

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
