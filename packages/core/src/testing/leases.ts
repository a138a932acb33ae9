import { describe, expect, it } from 'vitest';
import {
  claimJobs,
  claimOne,
  enqueueOne,
  type Fixture,
  getJob,
  LEASE_MS,
  lead,
  SECOND,
  succeeded,
  T0,
} from './fixtures.js';

export function leaseTests(t: Fixture): void {
  describe('heartbeats and leases', () => {
    it('a heartbeat extends the lease and records progress', async () => {
      const id = await enqueueOne(t.store);
      const job = await claimOne(t.store);
      const states = await t.store.heartbeat(
        [{ jobId: id, token: job.lease.token, progress: { done: 40 } }],
        LEASE_MS,
        T0 + 10 * SECOND,
      );
      expect(states).toEqual(['ok']);
      const stored = await getJob(t.store, id);
      expect(stored.lease).toEqual({ ...job.lease, expiresAt: T0 + 10 * SECOND + LEASE_MS });
      expect(stored.progress).toEqual({ done: 40 });
    });

    it('answers lost for a wrong token or an unknown job, in the order asked', async () => {
      await enqueueOne(t.store);
      await enqueueOne(t.store);
      const [a, b] = await claimJobs(t.store, 2);
      if (a === undefined || b === undefined) throw new Error('two jobs expected');
      const states = await t.store.heartbeat(
        [
          { jobId: a.id, token: a.lease.token },
          { jobId: b.id, token: 'not-the-token' },
          { jobId: 'acme:unknown', token: 'x' },
        ],
        LEASE_MS,
        T0,
      );
      expect(states).toEqual(['ok', 'lost', 'lost']);
      expect((await getJob(t.store, b.id)).lease).toEqual(b.lease);
    });

    it('answers canceled to the worker of a job canceled while active', async () => {
      const id = await enqueueOne(t.store);
      const job = await claimOne(t.store);
      await t.store.cancel(id, T0 + SECOND);
      expect(await t.store.heartbeat([{ jobId: id, token: job.lease.token }], LEASE_MS, T0 + 2 * SECOND)).toEqual([
        'canceled',
      ]);
      expect((await getJob(t.store, id)).status).toBe('canceled');
    });

    it('takes back an expired lease: the job waits again with the attempt spent', async () => {
      const id = await enqueueOne(t.store, { maxAttempts: 3 });
      const first = await claimOne(t.store);
      const fence = await lead(t.store);
      const expiry = T0 + LEASE_MS;
      expect(await t.store.recoverExpiredLeases(fence, expiry - 1, 10)).toEqual({ requeued: [], failed: [] });
      expect(await t.store.recoverExpiredLeases(fence, expiry, 10)).toEqual({ requeued: [id], failed: [] });
      expect(await getJob(t.store, id)).toMatchObject({ status: 'waiting', attempt: 1, lease: undefined });
      const second = await claimOne(t.store, expiry + 1);
      expect(second.attempt).toBe(2);
      expect(second.lease.token).not.toBe(first.lease.token);
    });

    it('keeps a lease alive past its first expiry through heartbeats', async () => {
      const id = await enqueueOne(t.store, { maxAttempts: 2 });
      const job = await claimOne(t.store);
      const fence = await lead(t.store);
      await t.store.heartbeat([{ jobId: id, token: job.lease.token }], LEASE_MS, T0 + LEASE_MS - SECOND);
      expect(await t.store.recoverExpiredLeases(fence, T0 + LEASE_MS + SECOND, 10)).toEqual({
        requeued: [],
        failed: [],
      });
      expect((await getJob(t.store, id)).status).toBe('active');
    });

    it('fails a job with lease_expired when its lease expires with no attempts left', async () => {
      const id = await enqueueOne(t.store, { maxAttempts: 2 });
      const fence = await lead(t.store);
      await claimOne(t.store);
      await t.store.recoverExpiredLeases(fence, T0 + LEASE_MS, 10);
      await claimOne(t.store, T0 + LEASE_MS);
      const now = T0 + 2 * LEASE_MS;
      expect(await t.store.recoverExpiredLeases(fence, now, 10)).toEqual({ requeued: [], failed: [id] });
      const job = await getJob(t.store, id);
      expect(job).toMatchObject({ status: 'failed', attempt: 2, finishedAt: now, lease: undefined });
      expect(job.error?.code).toBe('lease_expired');
    });

    it('the lost worker’s token answers lost after the job was taken back', async () => {
      const id = await enqueueOne(t.store, { maxAttempts: 3 });
      const old = await claimOne(t.store);
      const fence = await lead(t.store);
      await t.store.recoverExpiredLeases(fence, T0 + LEASE_MS, 10);
      const fresh = await claimOne(t.store, T0 + LEASE_MS + 1);
      const at = T0 + LEASE_MS + 2;
      expect(await t.store.heartbeat([{ jobId: id, token: old.lease.token }], LEASE_MS, at)).toEqual(['lost']);
      expect(await t.store.settle([succeeded(old)], at)).toEqual(['lost']);
      expect(await getJob(t.store, id)).toMatchObject({ status: 'active', attempt: 2, lease: fresh.lease });
    });

    it('a lease past expiry that nobody took back still answers ok', async () => {
      const id = await enqueueOne(t.store);
      const job = await claimOne(t.store);
      const late = T0 + LEASE_MS + SECOND;
      expect(await t.store.heartbeat([{ jobId: id, token: job.lease.token }], LEASE_MS, late)).toEqual(['ok']);
      expect((await getJob(t.store, id)).lease?.expiresAt).toBe(late + LEASE_MS);
    });

    it('takes back at most `limit` leases, the earliest expired first', async () => {
      const ids = [await enqueueOne(t.store, { maxAttempts: 2 }), await enqueueOne(t.store, { maxAttempts: 2 })];
      await claimOne(t.store, T0 + SECOND);
      await claimOne(t.store, T0);
      const fence = await lead(t.store);
      const later = T0 + LEASE_MS + 10 * SECOND;
      expect(await t.store.recoverExpiredLeases(fence, later, 1)).toEqual({ requeued: [ids[1]], failed: [] });
      expect(await t.store.recoverExpiredLeases(fence, later, 1)).toEqual({ requeued: [ids[0]], failed: [] });
    });
  });
}
