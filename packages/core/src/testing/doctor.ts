import { describe, expect, it } from 'vitest';
import type { DoctorReport, Store } from '../store/store.js';
import {
  claimJobs,
  enqueueOne,
  type Fixture,
  failed,
  LEASE_MS,
  lead,
  MINUTE,
  putSchedule,
  SECOND,
  succeeded,
  T0,
} from './fixtures.js';
import { fireOf, stored } from './schedule-fixtures.js';

/** What the healthy store below holds: every job status, in every place a status puts a job. */
interface Population {
  jobs: number;
  tenants: number;
  schedules: number;
}

/**
 * Builds, through the Store API only, a store in which every invariant `doctor` checks has
 * something to check: jobs in every status (an active one holding a resource, a canceled
 * one that kept its lease, a parent that ended with a child not yet released), an
 * idempotency key, a dependency chain, and schedules of every trigger (a fired `at`, a
 * paused and a manual one).
 */
async function populate(store: Store): Promise<Population> {
  // Claimed first (band 9): these become active, then some end.
  const ended = await enqueueOne(store, { priority: 9 });
  const fails = await enqueueOne(store, { priority: 9 });
  const train = await enqueueOne(store, { priority: 9, name: 'train', resources: { gpu: 1 } });
  const running = await enqueueOne(store, { priority: 9, tenant: 'beta' });
  const canceledActive = await enqueueOne(store, { priority: 9 });
  // A child of `ended`: blocked until the coordinator releases it after `ended` succeeds.
  await enqueueOne(store, { dependsOn: [ended] });
  const claimed = await claimJobs(store, 10, T0);
  expect(claimed.map((job) => job.id).sort()).toEqual([ended, fails, train, running, canceledActive].sort());
  const byId = (id: string) => {
    const job = claimed.find((j) => j.id === id);
    if (job === undefined) throw new Error(`job ${id} was claimed`);
    return job;
  };
  await store.settle([succeeded(byId(ended)), failed(byId(fails))], T0 + SECOND);
  await store.cancel(canceledActive, T0 + SECOND);
  await store.cancel(await enqueueOne(store, { tenant: 'beta' }), T0 + SECOND);

  // At rest in every other place: waiting, delayed, keyed, a chain behind a waiting parent.
  await enqueueOne(store, { tenant: 'beta' });
  await enqueueOne(store, { runAt: T0 + 60 * MINUTE });
  await enqueueOne(store, { idempotencyKey: 'order-42' });
  const root = await enqueueOne(store, { priority: 3 });
  const middle = await enqueueOne(store, { dependsOn: [root] });
  await enqueueOne(store, { dependsOn: [middle] });
  expect(train).toBeDefined();
  expect(running).toBeDefined();

  await putSchedule(store, { id: 'cron', trigger: { kind: 'cron', cron: '*/5 * * * *', tz: 'UTC' } });
  await putSchedule(store, { id: 'every' });
  await putSchedule(store, { id: 'paused', paused: true });
  await putSchedule(store, { id: 'manual', tenant: 'gamma', trigger: { kind: 'manual' } });
  const at = await putSchedule(store, { id: 'at', trigger: { kind: 'at', at: T0 + MINUTE } });
  const fence = await lead(store, 'c1', T0 + MINUTE, LEASE_MS);
  const [fire] = await store.recordFires(fence, [fireOf(at, [T0 + MINUTE], undefined)], T0 + MINUTE);
  expect(fire?.applied).toBe(true);
  expect((await stored(store, at)).nextFireAt).toBeUndefined();
  return { jobs: 14, tenants: 3, schedules: 5 };
}

/** `doctor` (optional in the interface, but every store has one): silent on a healthy store. */
export function doctorTests(t: Fixture): void {
  describe('doctor', () => {
    it('is there', () => {
      expect(t.store.doctor).toBeDefined();
    });

    it('finds nothing wrong with a store whose jobs and schedules are in every state', async () => {
      const store = await t.create({ resources: { gpu: 2 } });
      const population = await populate(store);
      const report = await doctorOf(store, false);
      expect(report.findings).toEqual([]);
      expect(report.checked).toEqual(population);
    });

    it('repairs nothing on a healthy store, and changes nothing', async () => {
      const store = await t.create({ resources: { gpu: 2 } });
      await populate(store);
      const before = await store.depths();
      expect((await doctorOf(store, true)).findings).toEqual([]);
      expect(await store.depths()).toEqual(before);
      expect((await doctorOf(store, false)).findings).toEqual([]);
    });

    it('counts an empty store as checked and empty', async () => {
      const report = await doctorOf(t.store, false);
      expect(report).toEqual({ findings: [], checked: { tenants: 0, jobs: 0, schedules: 0 } });
    });
  });
}

async function doctorOf(store: Store, repair: boolean): Promise<DoctorReport> {
  expect(store.doctor).toBeDefined();
  if (store.doctor === undefined) throw new Error('the store has no doctor');
  return store.doctor({ repair, now: T0 + 2 * MINUTE });
}
