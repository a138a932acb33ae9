import { describe, expect, it } from 'vitest';
import {
  allJobs,
  enqueueOne,
  expectRefusal,
  type Fixture,
  getJob,
  MINUTE,
  newJob,
  SECOND,
  statusOf,
  T0,
} from './fixtures.js';

export function enqueueTests(t: Fixture): void {
  describe('enqueue', () => {
    it('creates a waiting job that keeps every field it was given', async () => {
      const input = newJob({
        name: 'pdf.render',
        payload: { doc: 42, pages: [1, 2] },
        priority: 7,
        tags: ['pdf', 'batch'],
        maxAttempts: 3,
        backoff: { type: 'exponential', delayMs: 1000, maxDelayMs: 60_000, jitter: 'full' },
        timeoutMs: 5000,
      });
      const results = await t.store.enqueue([input], T0);
      expect(results).toEqual([{ id: input.id, status: 'waiting', created: true }]);
      const job = await getJob(t.store, input.id);
      expect(job).toMatchObject({
        ...input,
        status: 'waiting',
        attempt: 0,
        createdAt: T0,
        startedAt: undefined,
        finishedAt: undefined,
        result: undefined,
        error: undefined,
        lease: undefined,
      });
    });

    it('answers one result per job of a batch, in order', async () => {
      const jobs = [newJob(), newJob({ tenant: 'beta' }), newJob({ runAt: T0 + MINUTE })];
      const results = await t.store.enqueue(jobs, T0);
      expect(results.map((r) => r.id)).toEqual(jobs.map((j) => j.id));
      expect(results.map((r) => r.status)).toEqual(['waiting', 'waiting', 'delayed']);
      expect(results.every((r) => r.created)).toBe(true);
    });

    it('makes a job delayed while its runAt is ahead, and waiting when it has come', async () => {
      const later = await enqueueOne(t.store, { runAt: T0 + SECOND });
      const now = await enqueueOne(t.store, { runAt: T0 });
      const past = await enqueueOne(t.store, { runAt: T0 - MINUTE });
      expect(await statusOf(t.store, later)).toBe('delayed');
      expect(await statusOf(t.store, now)).toBe('waiting');
      expect(await statusOf(t.store, past)).toBe('waiting');
    });

    it('returns the kept job for a repeated idempotency key and creates nothing', async () => {
      const first = await t.store.enqueue([newJob({ idempotencyKey: 'order-1' })], T0);
      const again = await t.store.enqueue([newJob({ idempotencyKey: 'order-1', name: 'other' })], T0 + SECOND);
      expect(again).toEqual([{ id: first[0]?.id, status: 'waiting', created: false }]);
      const jobs = await allJobs(t.store);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]?.name).toBe('email.send');
    });

    it('reports the kept job with its current status', async () => {
      const id = await enqueueOne(t.store, { idempotencyKey: 'k' });
      await t.store.cancel(id, T0);
      const [again] = await t.store.enqueue([newJob({ idempotencyKey: 'k' })], T0);
      expect(again).toEqual({ id, status: 'canceled', created: false });
    });

    it('scopes idempotency keys to a tenant', async () => {
      const a = await enqueueOne(t.store, { tenant: 'acme', idempotencyKey: 'same' });
      const b = await enqueueOne(t.store, { tenant: 'beta', idempotencyKey: 'same' });
      expect(b).not.toBe(a);
      expect(await allJobs(t.store)).toHaveLength(2);
    });

    it('applies an idempotency key within one batch too', async () => {
      const jobs = [newJob({ idempotencyKey: 'k' }), newJob({ idempotencyKey: 'k' }), newJob()];
      const results = await t.store.enqueue(jobs, T0);
      expect(results.map((r) => [r.id, r.created])).toEqual([
        [jobs[0]?.id, true],
        [jobs[0]?.id, false],
        [jobs[2]?.id, true],
      ]);
      expect(await allJobs(t.store)).toHaveLength(2);
    });

    it('refuses a whole batch when one job is bad, and writes nothing', async () => {
      const good = newJob({ idempotencyKey: 'first' });
      const bad = newJob({ dependsOn: ['acme:no-such-job'] });
      const error = await expectRefusal(t.store.enqueue([good, bad], T0), 'invalid_argument');
      expect(error.message).toContain('dependsOn');
      expect(await allJobs(t.store)).toEqual([]);
      expect(await t.store.getJob(good.id)).toBeUndefined();
      expect(await t.store.claim({ workerId: 'w', limit: 10, leaseMs: 1000, now: T0 })).toEqual([]);
      // The key the refused batch would have taken is still free.
      const [again] = await t.store.enqueue([newJob({ idempotencyKey: 'first' })], T0);
      expect(again?.created).toBe(true);
    });

    it('refuses an id that exists already with conflict', async () => {
      const job = newJob();
      await t.store.enqueue([job], T0);
      const other = newJob();
      await expectRefusal(t.store.enqueue([other, { ...job, name: 'again' }], T0), 'conflict');
      expect(await t.store.getJob(other.id)).toBeUndefined();
      expect((await getJob(t.store, job.id)).name).toBe('email.send');
    });

    it('keeps its own copies: changing what went in or came out changes nothing stored', async () => {
      const input = newJob({ payload: { n: 1 }, tags: ['a'] });
      await t.store.enqueue([input], T0);
      (input.payload as { n: number }).n = 2;
      input.tags.push('b');
      const read = await getJob(t.store, input.id);
      expect(read.payload).toEqual({ n: 1 });
      (read.payload as { n: number }).n = 3;
      read.tags.push('c');
      const again = await getJob(t.store, input.id);
      expect(again.payload).toEqual({ n: 1 });
      expect(again.tags).toEqual(['a']);
    });

    it('getJobs answers in the order asked, undefined for unknown ids', async () => {
      const a = await enqueueOne(t.store);
      const b = await enqueueOne(t.store);
      const jobs = await t.store.getJobs([b, 'acme:missing', a]);
      expect(jobs.map((j) => j?.id)).toEqual([b, undefined, a]);
      expect(await t.store.getJob('acme:missing')).toBeUndefined();
    });
  });
}
