import { describe, expect, it } from 'vitest';
import type { ClaimedJob } from '../model/job.js';
import {
  claimJobs,
  enqueueMany,
  enqueueOne,
  type Fixture,
  failed,
  getJob,
  LEASE_MS,
  lead,
  newJob,
  SECOND,
  succeeded,
  T0,
} from './fixtures.js';

const gpuJob = (units: number) => newJob({ name: 'train', resources: { gpu: units } });

const namesOf = (jobs: readonly ClaimedJob[]) => jobs.map((job) => job.name).sort();

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  const [item] = items;
  if (item === undefined) throw new Error('expected one item');
  return item;
}

/** Named resources and per-name concurrency (core's ResourceLimits), held across tenants. */
export function resourceTests(t: Fixture): void {
  describe('resources and job concurrency', () => {
    it('keeps the jobs of a resource within its capacity while other jobs go on', async () => {
      const store = await t.create({ resources: { gpu: 2 } });
      const gpu = await enqueueMany(store, 4, { name: 'train', resources: { gpu: 1 } });
      await enqueueMany(store, 3, { name: 'email.send' });
      const first = await claimJobs(store, 10);
      // Two trainings (the oldest two) and every job that needs no gpu.
      expect(namesOf(first)).toEqual(['email.send', 'email.send', 'email.send', 'train', 'train']);
      expect(first.filter((job) => job.name === 'train').map((job) => job.id)).toEqual(gpu.slice(0, 2));
      expect(await claimJobs(store, 10, T0 + 1)).toEqual([]);
      // An ended job gives its units back; the next waiting one, in order, takes them.
      const done = first.find((job) => job.id === gpu[0]);
      if (done === undefined) throw new Error('the first training was claimed');
      await store.settle([succeeded(done)], T0 + 2);
      expect((await claimJobs(store, 10, T0 + 3)).map((job) => job.id)).toEqual([gpu[2]]);
      expect(await claimJobs(store, 10, T0 + 4)).toEqual([]);
    });

    it('starts a job only when every resource it declares has room', async () => {
      const store = await t.create({ resources: { gpu: 2, db: 3 } });
      const big = await enqueueOne(store, { name: 'big', resources: { gpu: 1, db: 2 } });
      const second = await enqueueOne(store, { name: 'big', resources: { gpu: 1, db: 2 } });
      const small = await enqueueOne(store, { name: 'small', resources: { db: 1 } });
      const first = await claimJobs(store, 10);
      // big takes gpu 1 + db 2; the second big would need db 4 of 3; small fits in the last db.
      expect(first.map((job) => job.id).sort()).toEqual([big, small].sort());
      expect(await claimJobs(store, 10, T0 + 1)).toEqual([]);
      const smallJob = first.find((job) => job.id === small);
      if (smallJob === undefined) throw new Error('small was claimed');
      await store.settle([succeeded(smallJob)], T0 + 2);
      // db now holds 2 of 3: still no room for 2 more.
      expect(await claimJobs(store, 10, T0 + 3)).toEqual([]);
      const bigJob = first.find((job) => job.id === big);
      if (bigJob === undefined) throw new Error('big was claimed');
      await store.settle([failed(bigJob)], T0 + 4);
      expect((await claimJobs(store, 10, T0 + 5)).map((job) => job.id)).toEqual([second]);
    });

    it('holds a job name to its concurrency across tenants', async () => {
      const store = await t.create({ jobConcurrency: { 'report.build': 2 } });
      await enqueueMany(store, 3, { name: 'report.build', tenant: 'acme' });
      await enqueueMany(store, 3, { name: 'report.build', tenant: 'beta' });
      await enqueueOne(store, { name: 'email.send', tenant: 'beta' });
      const first = await claimJobs(store, 10);
      expect(namesOf(first)).toEqual(['email.send', 'report.build', 'report.build']);
      expect(await claimJobs(store, 10, T0 + 1)).toEqual([]);
      const report = first.find((job) => job.name === 'report.build');
      if (report === undefined) throw new Error('a report was claimed');
      await store.settle([succeeded(report)], T0 + 2);
      expect(namesOf(await claimJobs(store, 10, T0 + 3))).toEqual(['report.build']);
    });

    it('gives units back when an active job is canceled, released or fails towards a retry', async () => {
      const store = await t.create({ resources: { gpu: 1 } });
      await enqueueMany(store, 4, { name: 'train', resources: { gpu: 1 }, maxAttempts: 3 });
      const a = only(await claimJobs(store, 10));
      expect(await claimJobs(store, 10, T0 + 1)).toEqual([]);
      await store.cancel(a.id, T0 + 2);
      const b = only(await claimJobs(store, 10, T0 + 3));
      await store.settle([{ jobId: b.id, token: b.lease.token, outcome: 'released' }], T0 + 4);
      const c = only(await claimJobs(store, 10, T0 + 5));
      await store.settle([failed(c, T0 + 60 * SECOND)], T0 + 6);
      const d = only(await claimJobs(store, 10, T0 + 7));
      expect(await claimJobs(store, 10, T0 + 8)).toEqual([]);
      // Each ended hold let exactly one more job start; the released job ran again.
      expect(new Set([a.id, b.id, c.id, d.id]).size).toBeGreaterThanOrEqual(3);
      expect(await store.getJob(a.id)).toMatchObject({ status: 'canceled' });
      expect(await store.getJob(c.id)).toMatchObject({ status: 'delayed' });
    });

    it('gives units back when a lease expires and the job is taken back', async () => {
      const store = await t.create({ resources: { gpu: 1 } });
      const ids = await enqueueMany(store, 2, { name: 'train', resources: { gpu: 1 }, maxAttempts: 2 });
      const lost = only(await claimJobs(store, 10, T0, 'crashed'));
      expect(await claimJobs(store, 10, T0 + SECOND, 'w2')).toEqual([]);
      const fence = await lead(store);
      const expiry = T0 + LEASE_MS;
      expect(await store.recoverExpiredLeases(fence, expiry, 10)).toEqual({ requeued: [lost.id], failed: [] });
      // One job at a time still, the taken-back one included (on its second attempt).
      const next = only(await claimJobs(store, 10, expiry + 1, 'w2'));
      expect(await claimJobs(store, 10, expiry + 2, 'w2')).toEqual([]);
      await store.settle([succeeded(next)], expiry + 3);
      const last = only(await claimJobs(store, 10, expiry + 4, 'w2'));
      expect([next.id, last.id].sort()).toEqual([...ids].sort());
      expect([next, last].find((job) => job.id === lost.id)?.attempt).toBe(2);
    });

    it('does not let a job waiting for a resource hold back a higher or lower priority', async () => {
      const store = await t.create({ resources: { gpu: 1 } });
      await enqueueOne(store, { name: 'train', priority: 9, resources: { gpu: 1 } });
      await enqueueOne(store, { name: 'train', priority: 9, resources: { gpu: 1 } });
      await enqueueOne(store, { name: 'email.send', priority: 9 });
      await enqueueOne(store, { name: 'email.send', priority: 1 });
      const first = await claimJobs(store, 2);
      expect(namesOf(first)).toEqual(['email.send', 'train']);
      expect(only(await claimJobs(store, 10, T0 + 1)).priority).toBe(1);
    });

    it('counts a job that declares a resource nobody gave a capacity as unlimited, and keeps what it declares', async () => {
      const store = await t.create({ resources: { gpu: 1 } });
      const ids = await enqueueMany(store, 3, { name: 'scan', resources: { disk: 5 } });
      expect((await claimJobs(store, 10)).map((job) => job.id)).toEqual(ids);
      expect((await getJob(store, ids[0] ?? '')).resources).toEqual({ disk: 5 });
    });

    it('refuses, naming the field, a job that asks more than a capacity and capacities that are not whole numbers', async () => {
      const store = await t.create({ resources: { gpu: 2 } });
      await expect(store.enqueue([gpuJob(3)], T0)).rejects.toMatchObject({
        code: 'invalid_argument',
        field: 'resources.gpu',
      });
      await expect(store.enqueue([gpuJob(1), gpuJob(5)], T0)).rejects.toMatchObject({
        code: 'invalid_argument',
        field: 'jobs.1.resources.gpu',
      });
      await expect(store.enqueue([gpuJob(0.5)], T0)).rejects.toMatchObject({
        code: 'invalid_argument',
        field: 'resources.gpu',
      });
      await expect(store.enqueue([newJob({ resources: { disk: -1 } })], T0)).rejects.toMatchObject({
        code: 'invalid_argument',
        field: 'resources.disk',
      });
      expect(await claimJobs(store, 10)).toEqual([]);
      await expect(t.create({ resources: { gpu: 0 } })).rejects.toMatchObject({
        code: 'invalid_argument',
        field: 'resources.gpu',
      });
      await expect(t.create({ jobConcurrency: { 'report.build': 1.5 } })).rejects.toMatchObject({
        code: 'invalid_argument',
        field: 'jobConcurrency.report.build',
      });
    });
  });
}
