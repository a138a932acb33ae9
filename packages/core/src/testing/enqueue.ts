import { describe, expect, it } from 'vitest';
import type { NewJob } from '../model/job.js';
import {
  allJobs,
  claimOne,
  enqueueOne,
  expectRefusal,
  type Fixture,
  getJob,
  lead,
  MINUTE,
  newJob,
  putSchedule,
  SECOND,
  statusOf,
  succeeded,
  T0,
} from './fixtures.js';
import { fireOf } from './schedule-fixtures.js';

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

  // A schedule's fire (tenant, scheduleId, scheduledFor) is a unique key like an
  // idempotency key, whoever made its job: recordFires, a trigger, or enqueue (a migration
  // copies schedules' jobs through enqueue and relies on fires staying unique).
  describe('enqueue: a schedule fire makes one job', () => {
    const fireJob = (scheduledFor: number, fields: Partial<NewJob> = {}) =>
      newJob({ scheduleId: 'digest', scheduledFor, ...fields });

    it('answers the job recordFires made for a job of the same fire, and creates nothing', async () => {
      const fence = await lead(t.store);
      const schedule = await putSchedule(t.store);
      const at = T0 + MINUTE;
      const [fired] = await t.store.recordFires(fence, [fireOf(schedule, [at], at + MINUTE)], at);
      const kept = fired?.jobIds[0];
      expect(kept).toBeDefined();
      const [again] = await t.store.enqueue([fireJob(at, { name: 'other' })], at + SECOND);
      expect(again).toEqual({ id: kept, status: 'waiting', created: false });
      // Another instant of the same schedule is another fire.
      const [next] = await t.store.enqueue([fireJob(at + MINUTE)], at + SECOND);
      expect(next?.created).toBe(true);
      expect((await allJobs(t.store)).map((j) => j.id).sort()).toEqual([kept, next?.id].sort());
    });

    it('keeps a fire an earlier enqueue made, in another call or the same batch, per tenant', async () => {
      const first = await enqueueOne(t.store, { scheduleId: 'digest', scheduledFor: T0 });
      await t.store.cancel(first, T0);
      const [again] = await t.store.enqueue([fireJob(T0)], T0 + SECOND);
      expect(again).toEqual({ id: first, status: 'canceled', created: false });
      const batch = [fireJob(T0 + MINUTE), fireJob(T0 + MINUTE), fireJob(T0, { tenant: 'beta' })];
      const results = await t.store.enqueue(batch, T0 + SECOND);
      expect(results.map((r) => [r.id, r.created])).toEqual([
        [batch[0]?.id, true],
        [batch[0]?.id, false],
        [batch[2]?.id, true],
      ]);
      expect(await allJobs(t.store)).toHaveLength(3);
    });

    it('looks at the idempotency key first, then the fire', async () => {
      const keyed = await enqueueOne(t.store, { idempotencyKey: 'k' });
      const fired = await enqueueOne(t.store, { scheduleId: 'digest', scheduledFor: T0 });
      // A free idempotency key does not free a held fire.
      const [byFire] = await t.store.enqueue([fireJob(T0, { idempotencyKey: 'free' })], T0);
      expect(byFire).toEqual({ id: fired, status: 'waiting', created: false });
      const [byKey] = await t.store.enqueue([fireJob(T0, { idempotencyKey: 'k' })], T0);
      expect(byKey).toEqual({ id: keyed, status: 'waiting', created: false });
      expect(await allJobs(t.store)).toHaveLength(2);
    });

    it('stops recordFires making the fire again', async () => {
      const fence = await lead(t.store);
      const schedule = await putSchedule(t.store);
      const at = T0 + MINUTE;
      const copied = await enqueueOne(t.store, { scheduleId: 'digest', scheduledFor: at });
      const [result] = await t.store.recordFires(fence, [fireOf(schedule, [at], at + MINUTE)], at);
      expect(result).toEqual({ applied: true, jobIds: [] });
      expect((await allJobs(t.store)).map((j) => j.id)).toEqual([copied]);
    });

    it('frees the fire once retention deleted its job', async () => {
      const fence = await lead(t.store);
      const first = await enqueueOne(t.store, { scheduleId: 'digest', scheduledFor: T0 });
      await t.store.settle([succeeded(await claimOne(t.store))], T0);
      expect(
        await t.store.applyRetention(fence, { maxAgeMs: Number.POSITIVE_INFINITY, maxCount: 0 }, T0 + SECOND),
      ).toBe(1);
      const [again] = await t.store.enqueue([fireJob(T0)], T0 + 2 * SECOND);
      expect(again?.created).toBe(true);
      expect(again?.id).not.toBe(first);
    });
  });
}
