import { describe, expect, it } from 'vitest';
import {
  claimOne,
  enqueueOne,
  expectRefusal,
  type Fixture,
  failed,
  getJob,
  lead,
  MINUTE,
  SECOND,
  succeeded,
  T0,
} from './fixtures.js';

export function settleAndRetryTests(t: Fixture): void {
  describe('settle', () => {
    it('succeeded: final, with the result, finishedAt and no lease', async () => {
      const id = await enqueueOne(t.store);
      const job = await claimOne(t.store);
      expect(await t.store.settle([succeeded(job, { pages: 3 })], T0 + SECOND)).toEqual(['ok']);
      expect(await getJob(t.store, id)).toMatchObject({
        status: 'succeeded',
        result: { pages: 3 },
        finishedAt: T0 + SECOND,
        attempt: 1,
        lease: undefined,
        error: undefined,
      });
      // Written once: the same settlement again finds no lease.
      expect(await t.store.settle([succeeded(job, 'again')], T0 + 2 * SECOND)).toEqual(['lost']);
      expect((await getJob(t.store, id)).result).toEqual({ pages: 3 });
    });

    it('failed without retryAt: final, with the error', async () => {
      const id = await enqueueOne(t.store);
      const job = await claimOne(t.store);
      expect(await t.store.settle([failed(job)], T0 + SECOND)).toEqual(['ok']);
      expect(await getJob(t.store, id)).toMatchObject({
        status: 'failed',
        error: { code: 'handler_error', message: 'it broke' },
        finishedAt: T0 + SECOND,
        lease: undefined,
      });
    });

    it('failed with a retryAt ahead: delayed until then, error kept, then runs as attempt 2', async () => {
      const id = await enqueueOne(t.store, { maxAttempts: 3 });
      const job = await claimOne(t.store);
      const retryAt = T0 + MINUTE;
      expect(await t.store.settle([failed(job, retryAt)], T0 + SECOND)).toEqual(['ok']);
      expect(await getJob(t.store, id)).toMatchObject({
        status: 'delayed',
        runAt: retryAt,
        attempt: 1,
        error: { code: 'handler_error' },
        lease: undefined,
        finishedAt: undefined,
      });
      const fence = await lead(t.store);
      expect(await t.store.promoteDelayed(fence, retryAt - 1, 10)).toBe(0);
      expect(await t.store.promoteDelayed(fence, retryAt, 10)).toBe(1);
      expect((await claimOne(t.store, retryAt)).attempt).toBe(2);
    });

    it('failed with a retryAt that has come: waiting at once', async () => {
      const id = await enqueueOne(t.store, { maxAttempts: 2 });
      const job = await claimOne(t.store);
      await t.store.settle([failed(job, T0 + SECOND)], T0 + SECOND);
      expect(await getJob(t.store, id)).toMatchObject({ status: 'waiting', attempt: 1, lease: undefined });
    });

    it('released: waiting again without spending the attempt', async () => {
      const id = await enqueueOne(t.store);
      const job = await claimOne(t.store);
      expect(await t.store.settle([{ jobId: id, token: job.lease.token, outcome: 'released' }], T0 + 1)).toEqual([
        'ok',
      ]);
      expect(await getJob(t.store, id)).toMatchObject({ status: 'waiting', attempt: 0, lease: undefined });
      expect((await claimOne(t.store, T0 + 2)).attempt).toBe(1);
    });

    it('a stale token answers lost and changes nothing', async () => {
      const id = await enqueueOne(t.store);
      const job = await claimOne(t.store);
      const stale = { ...job, lease: { ...job.lease, token: 'stale-token' } };
      expect(await t.store.settle([succeeded(stale), failed(stale)], T0 + SECOND)).toEqual(['lost', 'lost']);
      expect(await getJob(t.store, id)).toMatchObject({ status: 'active', lease: job.lease, result: undefined });
    });

    it('settling a job canceled while active answers canceled and keeps it canceled', async () => {
      const id = await enqueueOne(t.store);
      const job = await claimOne(t.store);
      await t.store.cancel(id, T0 + SECOND);
      expect(await t.store.settle([succeeded(job, 'late')], T0 + 2 * SECOND)).toEqual(['canceled']);
      expect(await getJob(t.store, id)).toMatchObject({
        status: 'canceled',
        result: undefined,
        finishedAt: T0 + SECOND,
      });
    });

    it('answers a batch entry by entry', async () => {
      const a = await enqueueOne(t.store);
      await enqueueOne(t.store);
      const ja = await claimOne(t.store);
      const jb = await claimOne(t.store);
      const states = await t.store.settle(
        [succeeded(ja), { jobId: jb.id, token: 'wrong', outcome: 'released' }, succeeded(jb)],
        T0 + SECOND,
      );
      expect(states).toEqual(['ok', 'lost', 'ok']);
      expect((await getJob(t.store, a)).status).toBe('succeeded');
      expect((await getJob(t.store, jb.id)).status).toBe('succeeded');
    });
  });

  describe('retry', () => {
    it('turns a failed job back into a waiting one with attempts reset', async () => {
      const id = await enqueueOne(t.store);
      await t.store.settle([failed(await claimOne(t.store))], T0 + SECOND);
      const job = await t.store.retry(id, T0 + MINUTE);
      expect(job).toMatchObject({ id, status: 'waiting', attempt: 0, error: undefined, finishedAt: undefined });
      expect(await getJob(t.store, id)).toMatchObject({ status: 'waiting', attempt: 0, error: undefined });
      expect((await claimOne(t.store, T0 + MINUTE)).attempt).toBe(1);
    });

    it('refuses a job that is not failed with conflict, and an unknown one with not_found', async () => {
      const waiting = await enqueueOne(t.store);
      await expectRefusal(t.store.retry(waiting, T0), 'conflict');
      const done = await enqueueOne(t.store, { priority: 9 });
      await t.store.settle([succeeded(await claimOne(t.store))], T0);
      await expectRefusal(t.store.retry(done, T0), 'conflict');
      const canceled = await enqueueOne(t.store);
      await t.store.cancel(canceled, T0);
      await expectRefusal(t.store.retry(canceled, T0), 'conflict');
      await expectRefusal(t.store.retry('acme:missing', T0), 'not_found');
      expect(await getJob(t.store, done)).toMatchObject({ status: 'succeeded', result: 'done' });
    });

    it('a final status stays written: a succeeded job cannot be canceled', async () => {
      const id = await enqueueOne(t.store);
      await t.store.settle([succeeded(await claimOne(t.store))], T0);
      await expectRefusal(t.store.cancel(id, T0 + 1), 'conflict');
      expect((await getJob(t.store, id)).status).toBe('succeeded');
    });
  });
}
