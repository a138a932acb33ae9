import { describe, expect, it } from 'vitest';
import {
  claimJobs,
  claimOne,
  enqueueOne,
  expectRefusal,
  type Fixture,
  getJob,
  LEASE_MS,
  lead,
  MINUTE,
  SECOND,
  T0,
} from './fixtures.js';

export function cancelTests(t: Fixture): void {
  describe('cancel', () => {
    it('cancels a waiting job: final, finishedAt set, never claimed', async () => {
      const id = await enqueueOne(t.store);
      const job = await t.store.cancel(id, T0 + SECOND);
      expect(job).toMatchObject({ id, status: 'canceled', finishedAt: T0 + SECOND });
      expect(await getJob(t.store, id)).toMatchObject({ status: 'canceled', finishedAt: T0 + SECOND });
      expect(await claimJobs(t.store, 10)).toEqual([]);
    });

    it('cancels delayed and blocked jobs: they are never promoted or released', async () => {
      const fence = await lead(t.store);
      const delayed = await enqueueOne(t.store, { runAt: T0 + MINUTE });
      const parent = await enqueueOne(t.store);
      const blocked = await enqueueOne(t.store, { dependsOn: [parent] });
      await t.store.cancel(delayed, T0);
      await t.store.cancel(blocked, T0);
      expect(await t.store.promoteDelayed(fence, T0 + MINUTE, 10)).toBe(0);
      const claimed = await claimOne(t.store);
      await t.store.settle([{ jobId: claimed.id, token: claimed.lease.token, outcome: 'succeeded', result: null }], T0);
      await t.store.releaseDependents(fence, T0, 10);
      expect((await getJob(t.store, delayed)).status).toBe('canceled');
      expect((await getJob(t.store, blocked)).status).toBe('canceled');
      expect(await claimJobs(t.store, 10, T0 + MINUTE)).toEqual([]);
    });

    it('cancels an active job: its worker is told, and the job is not taken back later', async () => {
      const fence = await lead(t.store);
      const id = await enqueueOne(t.store, { maxAttempts: 3 });
      const job = await claimOne(t.store);
      await t.store.cancel(id, T0 + SECOND);
      expect(await t.store.heartbeat([{ jobId: id, token: job.lease.token }], LEASE_MS, T0 + 2)).toEqual(['canceled']);
      expect(await t.store.recoverExpiredLeases(fence, T0 + 10 * LEASE_MS, 10)).toEqual({ requeued: [], failed: [] });
      expect((await getJob(t.store, id)).status).toBe('canceled');
      expect(await claimJobs(t.store, 10, T0 + 10 * LEASE_MS)).toEqual([]);
    });

    it('refuses a final job with conflict and an unknown one with not_found', async () => {
      const id = await enqueueOne(t.store);
      await t.store.cancel(id, T0);
      await expectRefusal(t.store.cancel(id, T0 + 1), 'conflict');
      expect((await getJob(t.store, id)).finishedAt).toBe(T0);
      await expectRefusal(t.store.cancel('acme:missing', T0), 'not_found');
    });
  });
}
