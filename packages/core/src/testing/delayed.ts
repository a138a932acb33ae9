import { describe, expect, it } from 'vitest';
import {
  claimJobs,
  claimOne,
  enqueueOne,
  type Fixture,
  LEASE_MS,
  lead,
  MINUTE,
  putSchedule,
  SECOND,
  statusOf,
  T0,
} from './fixtures.js';

export function delayedTests(t: Fixture): void {
  describe('delayed jobs and due times', () => {
    it('promotes only the jobs whose runAt has come', async () => {
      const fence = await lead(t.store);
      const soon = await enqueueOne(t.store, { runAt: T0 + SECOND });
      const later = await enqueueOne(t.store, { runAt: T0 + MINUTE });
      expect(await t.store.promoteDelayed(fence, T0 + SECOND - 1, 10)).toBe(0);
      expect(await t.store.promoteDelayed(fence, T0 + SECOND, 10)).toBe(1);
      expect(await statusOf(t.store, soon)).toBe('waiting');
      expect(await statusOf(t.store, later)).toBe('delayed');
      expect((await claimJobs(t.store, 10, T0 + SECOND)).map((j) => j.id)).toEqual([soon]);
    });

    it('promotes at most `limit`, the earliest runAt first', async () => {
      const fence = await lead(t.store);
      const b = await enqueueOne(t.store, { runAt: T0 + 2 * SECOND });
      const a = await enqueueOne(t.store, { runAt: T0 + SECOND });
      const c = await enqueueOne(t.store, { runAt: T0 + 3 * SECOND });
      expect(await t.store.promoteDelayed(fence, T0 + MINUTE, 2)).toBe(2);
      expect(await statusOf(t.store, c)).toBe('delayed');
      expect((await claimJobs(t.store, 10, T0 + MINUTE)).map((j) => j.id)).toEqual([a, b]);
    });

    it('puts a promoted job behind the jobs already waiting in its tenant', async () => {
      const fence = await lead(t.store);
      const delayed = await enqueueOne(t.store, { runAt: T0 + SECOND });
      const waiting = await enqueueOne(t.store, {}, T0 + 1);
      await t.store.promoteDelayed(fence, T0 + SECOND, 10);
      expect((await claimJobs(t.store, 10, T0 + SECOND)).map((j) => j.id)).toEqual([waiting, delayed]);
    });

    it('nextDueAt: nothing when idle, else the earliest runAt, lease expiry or fire', async () => {
      expect(await t.store.nextDueAt()).toBeUndefined();
      await enqueueOne(t.store, { runAt: T0 + 10 * MINUTE });
      expect(await t.store.nextDueAt()).toBe(T0 + 10 * MINUTE);
      await putSchedule(t.store, { id: 'paused', paused: true, trigger: { kind: 'at', at: T0 + SECOND } });
      expect(await t.store.nextDueAt()).toBe(T0 + 10 * MINUTE);
      await putSchedule(t.store, { id: 'every-minute' });
      expect(await t.store.nextDueAt()).toBe(T0 + MINUTE);
      await enqueueOne(t.store);
      await claimOne(t.store);
      expect(await t.store.nextDueAt()).toBe(T0 + LEASE_MS);
    });
  });
}
