import { describe, expect, it } from 'vitest';
import type { Store } from '../store/store.js';
import {
  allJobs,
  claimOne,
  enqueueOne,
  type Fixture,
  lead,
  MINUTE,
  newJob,
  SECOND,
  statusOf,
  succeeded,
  T0,
} from './fixtures.js';

const KEEP_ALL = { maxAgeMs: Number.POSITIVE_INFINITY, maxCount: Number.POSITIVE_INFINITY };

/** Runs `count` jobs of `tenant` to success, the i-th finishing at `start + i` seconds. */
async function finishJobs(store: Store, tenant: string, count: number, start = T0): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = await enqueueOne(store, { tenant, priority: 9 }, start);
    const job = await claimOne(store, start);
    expect(job.id).toBe(id);
    await store.settle([succeeded(job)], start + i * SECOND);
    ids.push(id);
  }
  return ids;
}

export function retentionTests(t: Fixture): void {
  describe('retention', () => {
    it('keeps the maxCount most recently finished jobs per tenant, and every unfinished one', async () => {
      const fence = await lead(t.store);
      const acme = await finishJobs(t.store, 'acme', 5);
      const beta = await finishJobs(t.store, 'beta', 2);
      const open = await enqueueOne(t.store, { tenant: 'acme' });
      expect(await t.store.applyRetention(fence, { ...KEEP_ALL, maxCount: 2 }, T0 + MINUTE)).toBe(3);
      const left = (await allJobs(t.store)).map((j) => j.id).sort();
      expect(left).toEqual([acme[3], acme[4], ...beta, open].sort());
    });

    it('deletes finished jobs older than maxAgeMs', async () => {
      const fence = await lead(t.store);
      const ids = await finishJobs(t.store, 'acme', 4);
      // Finished at T0, +1 s, +2 s, +3 s; at T0 + 62 s, a 60 s age limit keeps the last two.
      expect(await t.store.applyRetention(fence, { ...KEEP_ALL, maxAgeMs: MINUTE }, T0 + MINUTE + 2 * SECOND)).toBe(2);
      expect((await allJobs(t.store)).map((j) => j.id).sort()).toEqual([ids[2], ids[3]].sort());
    });

    it('frees the idempotency key of a deleted job: the key creates a new job again', async () => {
      const fence = await lead(t.store);
      const first = await enqueueOne(t.store, { idempotencyKey: 'invoice-7' });
      await t.store.settle([succeeded(await claimOne(t.store))], T0);
      expect(await t.store.applyRetention(fence, { ...KEEP_ALL, maxCount: 0 }, T0 + SECOND)).toBe(1);
      expect(await t.store.getJob(first)).toBeUndefined();
      const [again] = await t.store.enqueue([newJob({ idempotencyKey: 'invoice-7' })], T0 + 2 * SECOND);
      expect(again?.created).toBe(true);
      expect(again?.id).not.toBe(first);
    });

    it('never deletes a parent that an unfinished child still depends on', async () => {
      const fence = await lead(t.store);
      const p1 = await enqueueOne(t.store);
      const p2 = await enqueueOne(t.store);
      const child = await enqueueOne(t.store, { dependsOn: [p1, p2] });
      await t.store.settle([succeeded(await claimOne(t.store))], T0);
      expect(await t.store.applyRetention(fence, { maxAgeMs: 0, maxCount: 0 }, T0 + MINUTE)).toBe(0);
      expect(await statusOf(t.store, p1)).toBe('succeeded');
      await t.store.settle([succeeded(await claimOne(t.store))], T0 + SECOND);
      await t.store.releaseDependents(fence, T0 + SECOND, 10);
      await t.store.settle([succeeded(await claimOne(t.store))], T0 + 2 * SECOND);
      expect(await statusOf(t.store, child)).toBe('succeeded');
      expect(await t.store.applyRetention(fence, { maxAgeMs: 0, maxCount: 0 }, T0 + MINUTE)).toBe(3);
      expect(await allJobs(t.store)).toEqual([]);
    });
  });
}
