import { describe, expect, it } from 'vitest';
import {
  allJobs,
  claimJobs,
  claimOne,
  enqueueOne,
  expectRefusal,
  type Fixture,
  failed,
  getJob,
  lead,
  MINUTE,
  newJob,
  releaseAll,
  SECOND,
  statusOf,
  succeeded,
  T0,
} from './fixtures.js';

export function dependencyTests(t: Fixture): void {
  describe('dependsOn', () => {
    it('keeps a child blocked, and unclaimable, while its parent runs', async () => {
      const parent = await enqueueOne(t.store);
      const [child] = await t.store.enqueue([newJob({ dependsOn: [parent] })], T0);
      expect(child?.status).toBe('blocked');
      expect((await claimJobs(t.store, 10)).map((j) => j.id)).toEqual([parent]);
    });

    it('releases a chain A → B → C in order', async () => {
      const fence = await lead(t.store);
      const a = newJob();
      const b = newJob({ dependsOn: [a.id] });
      const c = newJob({ dependsOn: [b.id] });
      expect((await t.store.enqueue([a, b, c], T0)).map((r) => r.status)).toEqual(['waiting', 'blocked', 'blocked']);
      await t.store.settle([succeeded(await claimOne(t.store))], T0 + 1);
      expect(await releaseAll(t.store, fence, T0 + 2)).toBe(1);
      expect(await statusOf(t.store, b.id)).toBe('waiting');
      expect(await statusOf(t.store, c.id)).toBe('blocked');
      const claimedB = await claimOne(t.store, T0 + 3);
      expect(claimedB.id).toBe(b.id);
      await t.store.settle([succeeded(claimedB)], T0 + 4);
      expect(await releaseAll(t.store, fence, T0 + 5)).toBe(1);
      expect((await claimOne(t.store, T0 + 6)).id).toBe(c.id);
    });

    it('waits for every parent', async () => {
      const fence = await lead(t.store);
      const p1 = await enqueueOne(t.store);
      const p2 = await enqueueOne(t.store);
      const child = await enqueueOne(t.store, { dependsOn: [p1, p2] });
      const first = await claimOne(t.store);
      await t.store.settle([succeeded(first)], T0 + 1);
      await releaseAll(t.store, fence, T0 + 1);
      expect(await statusOf(t.store, child)).toBe('blocked');
      await t.store.settle([succeeded(await claimOne(t.store))], T0 + 2);
      expect(await releaseAll(t.store, fence, T0 + 2)).toBe(1);
      expect(await statusOf(t.store, child)).toBe('waiting');
    });

    it('fails the whole chain with dependency_failed when A fails', async () => {
      const fence = await lead(t.store);
      const a = newJob();
      const b = newJob({ dependsOn: [a.id] });
      const c = newJob({ dependsOn: [b.id] });
      await t.store.enqueue([a, b, c], T0);
      await t.store.settle([failed(await claimOne(t.store))], T0 + 1);
      expect(await releaseAll(t.store, fence, T0 + 2)).toBe(2);
      const jobB = await getJob(t.store, b.id);
      const jobC = await getJob(t.store, c.id);
      expect(jobB).toMatchObject({ status: 'failed', error: { code: 'dependency_failed' } });
      expect(jobB.error?.message).toContain(a.id);
      expect(jobB.finishedAt).toBeDefined();
      expect(jobC).toMatchObject({ status: 'failed', error: { code: 'dependency_failed' } });
      expect(jobC.error?.message).toContain(b.id);
    });

    it('fails the children of a canceled parent', async () => {
      const fence = await lead(t.store);
      const parent = await enqueueOne(t.store);
      const child = await enqueueOne(t.store, { dependsOn: [parent] });
      await t.store.cancel(parent, T0 + 1);
      await releaseAll(t.store, fence, T0 + 2);
      expect(await getJob(t.store, child)).toMatchObject({ status: 'failed', error: { code: 'dependency_failed' } });
    });

    it('fails a child at once when its parent already ended failed', async () => {
      const parent = await enqueueOne(t.store);
      await t.store.settle([failed(await claimOne(t.store))], T0 + 1);
      const [child] = await t.store.enqueue([newJob({ dependsOn: [parent] })], T0 + 2);
      expect(child).toMatchObject({ status: 'failed', created: true });
      if (child === undefined) return;
      expect(await getJob(t.store, child.id)).toMatchObject({
        status: 'failed',
        error: { code: 'dependency_failed' },
        finishedAt: T0 + 2,
      });
    });

    it('makes a child of a parent that already succeeded ready at once', async () => {
      const parent = await enqueueOne(t.store);
      await t.store.settle([succeeded(await claimOne(t.store))], T0 + 1);
      const [child] = await t.store.enqueue([newJob({ dependsOn: [parent] })], T0 + 2);
      expect(child?.status).toBe('waiting');
    });

    it('releases a child whose runAt is still ahead as delayed', async () => {
      const fence = await lead(t.store);
      const parent = await enqueueOne(t.store);
      const child = await enqueueOne(t.store, { dependsOn: [parent], runAt: T0 + MINUTE });
      expect(await statusOf(t.store, child)).toBe('blocked');
      await t.store.settle([succeeded(await claimOne(t.store))], T0 + SECOND);
      await releaseAll(t.store, fence, T0 + SECOND);
      expect(await getJob(t.store, child)).toMatchObject({ status: 'delayed', runAt: T0 + MINUTE });
    });

    it('accepts a parent earlier in the batch, refuses one later in it', async () => {
      const parent = newJob();
      const child = newJob({ dependsOn: [parent.id] });
      expect((await t.store.enqueue([parent, child], T0)).map((r) => r.status)).toEqual(['waiting', 'blocked']);
      const later = newJob();
      const early = newJob({ dependsOn: [later.id] });
      await expectRefusal(t.store.enqueue([early, later], T0), 'invalid_argument');
      expect(await t.store.getJob(later.id)).toBeUndefined();
    });

    it('refuses an unknown parent, naming dependsOn, and writes nothing', async () => {
      const ok = newJob();
      const error = await expectRefusal(
        t.store.enqueue([ok, newJob({ dependsOn: ['acme:does-not-exist'] })], T0),
        'invalid_argument',
      );
      expect(error.message).toContain('dependsOn');
      expect(await allJobs(t.store)).toEqual([]);
    });

    it('refuses a parent of another tenant', async () => {
      const foreign = await enqueueOne(t.store, { tenant: 'beta' });
      const error = await expectRefusal(
        t.store.enqueue([newJob({ tenant: 'acme', dependsOn: [foreign] })], T0),
        'invalid_argument',
      );
      expect(error.message).toContain('dependsOn');
      expect(await allJobs(t.store)).toHaveLength(1);
    });

    it('refuses a job that depends on itself', async () => {
      const job = newJob();
      await expectRefusal(t.store.enqueue([{ ...job, dependsOn: [job.id] }], T0), 'invalid_argument');
      expect(await allJobs(t.store)).toEqual([]);
    });

    it('an id that a repeated idempotency key stood for means the kept job', async () => {
      const kept = await enqueueOne(t.store, { idempotencyKey: 'parent' });
      const again = newJob({ idempotencyKey: 'parent' });
      const child = newJob({ dependsOn: [again.id] });
      const results = await t.store.enqueue([again, child], T0);
      expect(results.map((r) => [r.id, r.created, r.status])).toEqual([
        [kept, false, 'waiting'],
        [child.id, true, 'blocked'],
      ]);
      expect((await getJob(t.store, child.id)).dependsOn).toEqual([kept]);
    });

    it('retrying a child of a failed parent is refused until the parent is retried', async () => {
      const fence = await lead(t.store);
      const parent = await enqueueOne(t.store);
      const child = await enqueueOne(t.store, { dependsOn: [parent] });
      await t.store.settle([failed(await claimOne(t.store))], T0 + 1);
      await releaseAll(t.store, fence, T0 + 1);
      await expectRefusal(t.store.retry(child, T0 + 2), 'conflict');
      await t.store.retry(parent, T0 + 2);
      expect((await t.store.retry(child, T0 + 3)).status).toBe('blocked');
      await t.store.settle([succeeded(await claimOne(t.store, T0 + 4))], T0 + 4);
      await releaseAll(t.store, fence, T0 + 5);
      expect(await statusOf(t.store, child)).toBe('waiting');
    });
  });
}
