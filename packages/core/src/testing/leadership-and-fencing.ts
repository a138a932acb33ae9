import { describe, expect, it } from 'vitest';
import { StaleEpochError } from '../errors.js';
import type { Fence } from '../store/store.js';
import {
  allJobs,
  claimOne,
  enqueueOne,
  type Fixture,
  failed,
  getJob,
  LEASE_MS,
  lead,
  MINUTE,
  newJob,
  putSchedule,
  SECOND,
  statusOf,
  succeeded,
  T0,
} from './fixtures.js';

const TTL = 10 * SECOND;

async function expectStale(promise: Promise<unknown>): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StaleEpochError);
  expect(error).toMatchObject({ code: 'conflict' });
}

export function leadershipTests(t: Fixture): void {
  describe('leadership', () => {
    it('gives a free lease to the first node, with an epoch', async () => {
      expect(await t.store.getLeadership(T0)).toBeUndefined();
      const lease = await t.store.acquireLeadership('c1', TTL, T0);
      expect(lease).toMatchObject({ nodeId: 'c1', expiresAt: T0 + TTL });
      expect(lease?.epoch).toBeGreaterThan(0);
      expect(await t.store.getLeadership(T0 + 1)).toEqual(lease);
    });

    it('renews for the holder with the same epoch, refuses another node while it lasts', async () => {
      const first = await t.store.acquireLeadership('c1', TTL, T0);
      expect(await t.store.acquireLeadership('c2', TTL, T0 + SECOND)).toBeUndefined();
      const again = await t.store.acquireLeadership('c1', TTL, T0 + 2 * SECOND);
      expect(again).toEqual({ nodeId: 'c1', epoch: first?.epoch, expiresAt: T0 + 2 * SECOND + TTL });
    });

    it('passes an expired lease to another node with a higher epoch', async () => {
      const first = await t.store.acquireLeadership('c1', TTL, T0);
      const second = await t.store.acquireLeadership('c2', TTL, T0 + TTL);
      expect(second?.nodeId).toBe('c2');
      expect(second?.epoch).toBeGreaterThan(first?.epoch ?? Number.POSITIVE_INFINITY);
      expect(await t.store.getLeadership(T0 + TTL)).toEqual(second);
      expect(await t.store.getLeadership(T0 + 2 * TTL)).toBeUndefined();
    });

    it('renews only with the holder’s fence and before expiry', async () => {
      const fence = await lead(t.store, 'c1', T0, TTL);
      expect(await t.store.renewLeadership(fence, TTL, T0 + SECOND)).toEqual({
        ...fence,
        expiresAt: T0 + SECOND + TTL,
      });
      expect(await t.store.renewLeadership({ ...fence, epoch: fence.epoch + 1 }, TTL, T0 + SECOND)).toBeUndefined();
      expect(await t.store.renewLeadership({ ...fence, nodeId: 'c2' }, TTL, T0 + SECOND)).toBeUndefined();
      expect(await t.store.renewLeadership(fence, TTL, T0 + SECOND + TTL)).toBeUndefined();
    });

    it('a released lease goes at once to the next node, and epochs keep growing', async () => {
      const epochs: number[] = [];
      for (const node of ['c1', 'c2', 'c1', 'c3']) {
        const fence = await lead(t.store, node, T0, TTL);
        epochs.push(fence.epoch);
        await t.store.releaseLeadership(fence);
        expect(await t.store.getLeadership(T0)).toBeUndefined();
      }
      for (let i = 1; i < epochs.length; i++) expect(epochs[i]).toBeGreaterThan(epochs[i - 1] ?? 0);
    });

    it('releasing with a stale fence leaves the current leader alone', async () => {
      const old = await lead(t.store, 'c1', T0, TTL);
      const current = await lead(t.store, 'c2', T0 + TTL, TTL);
      await t.store.releaseLeadership(old);
      expect(await t.store.getLeadership(T0 + TTL)).toMatchObject(current);
    });
  });

  describe('fencing', () => {
    /** A deposed leader's fence and the current one's. */
    async function deposed(): Promise<{ stale: Fence; current: Fence }> {
      const stale = await lead(t.store, 'c1', T0, TTL);
      const current = await lead(t.store, 'c2', T0 + TTL, TTL);
      return { stale, current };
    }

    it('refuses promoteDelayed from a stale epoch, changing nothing', async () => {
      const id = await enqueueOne(t.store, { runAt: T0 + SECOND });
      const { stale } = await deposed();
      await expectStale(t.store.promoteDelayed(stale, T0 + MINUTE, 10));
      expect(await statusOf(t.store, id)).toBe('delayed');
    });

    it('refuses recoverExpiredLeases from a stale epoch, changing nothing', async () => {
      const id = await enqueueOne(t.store, { maxAttempts: 2 });
      const job = await claimOne(t.store);
      const { stale } = await deposed();
      await expectStale(t.store.recoverExpiredLeases(stale, T0 + 10 * LEASE_MS, 10));
      expect(await getJob(t.store, id)).toMatchObject({ status: 'active', lease: job.lease });
    });

    it('refuses releaseDependents from a stale epoch, changing nothing', async () => {
      const parent = await enqueueOne(t.store);
      const child = await enqueueOne(t.store, { dependsOn: [parent] });
      await t.store.settle([failed(await claimOne(t.store))], T0);
      const { stale, current } = await deposed();
      await expectStale(t.store.releaseDependents(stale, T0 + TTL, 10));
      expect(await statusOf(t.store, child)).toBe('blocked');
      // The pending work is still there for the rightful leader.
      expect(await t.store.releaseDependents(current, T0 + TTL, 10)).toBe(1);
      expect(await statusOf(t.store, child)).toBe('failed');
    });

    it('refuses applyRetention from a stale epoch, deleting nothing', async () => {
      await enqueueOne(t.store);
      await t.store.settle([succeeded(await claimOne(t.store))], T0);
      const { stale } = await deposed();
      await expectStale(t.store.applyRetention(stale, { maxAgeMs: 0, maxCount: 0 }, T0 + MINUTE));
      expect(await allJobs(t.store)).toHaveLength(1);
    });

    it('refuses recordFires from a stale epoch: no job, schedule unchanged', async () => {
      const schedule = await putSchedule(t.store);
      const { stale } = await deposed();
      const at = schedule.nextFireAt ?? 0;
      const job = newJob({ scheduleId: schedule.id, scheduledFor: at });
      await expectStale(
        t.store.recordFires(
          stale,
          [{ tenant: 'acme', scheduleId: schedule.id, expectedNextFireAt: at, jobs: [job], nextFireAt: at + MINUTE }],
          at,
        ),
      );
      expect(await allJobs(t.store)).toEqual([]);
      expect(await t.store.getSchedule('acme', schedule.id)).toEqual(schedule);
    });

    it('refuses a released leader’s fence', async () => {
      const fence = await lead(t.store, 'c1', T0, TTL);
      await t.store.releaseLeadership(fence);
      await expectStale(t.store.promoteDelayed(fence, T0, 10));
    });

    it('lets a leader whose lease ran out write until another node takes over', async () => {
      await enqueueOne(t.store, { runAt: T0 + SECOND });
      await enqueueOne(t.store, { runAt: T0 + SECOND });
      const fence = await lead(t.store, 'c1', T0, TTL);
      expect(await t.store.promoteDelayed(fence, T0 + 2 * TTL, 1)).toBe(1);
      await lead(t.store, 'c2', T0 + 2 * TTL, TTL);
      await expectStale(t.store.promoteDelayed(fence, T0 + 2 * TTL, 1));
    });
  });
}
