import { describe, expect, it } from 'vitest';
import type { Store } from '../store/store.js';
import {
  claimJobs,
  claimOne,
  enqueueMany,
  enqueueOne,
  type Fixture,
  getJob,
  LEASE_MS,
  MINUTE,
  newJob,
  T0,
} from './fixtures.js';

/** Claims jobs `batch` at a time until none are left (or `max`), returning their tenants in order. */
async function drainTenants(store: Store, batch: number, max = Number.POSITIVE_INFINITY): Promise<string[]> {
  const tenants: string[] = [];
  while (tenants.length < max) {
    const jobs = await claimJobs(store, Math.min(batch, max - tenants.length));
    if (jobs.length === 0) break;
    tenants.push(...jobs.map((j) => j.tenant));
  }
  return tenants;
}

export function claimAndFairnessTests(t: Fixture): void {
  describe('claim', () => {
    it('leases a job: active, attempt 1, startedAt now, a lease until now + leaseMs', async () => {
      const id = await enqueueOne(t.store);
      const job = await claimOne(t.store, T0 + 5, 'worker-7');
      expect(job).toMatchObject({ id, status: 'active', attempt: 1, startedAt: T0 + 5 });
      expect(job.lease).toMatchObject({ workerId: 'worker-7', expiresAt: T0 + 5 + LEASE_MS });
      expect(typeof job.lease.token).toBe('string');
      expect(job.lease.token.length).toBeGreaterThan(0);
      expect(await getJob(t.store, id)).toMatchObject({ status: 'active', attempt: 1, lease: job.lease });
    });

    it('takes at most `limit` jobs, and nothing from an empty store', async () => {
      expect(await claimJobs(t.store, 10)).toEqual([]);
      await enqueueMany(t.store, 5);
      expect(await claimJobs(t.store, 0)).toEqual([]);
      expect(await claimJobs(t.store, 3)).toHaveLength(3);
      expect(await claimJobs(t.store, 3)).toHaveLength(2);
      expect(await claimJobs(t.store, 3)).toHaveLength(0);
    });

    it('never hands one job to two workers', async () => {
      await enqueueMany(t.store, 6);
      const a = await claimJobs(t.store, 4, T0, 'a');
      const b = await claimJobs(t.store, 4, T0, 'b');
      const ids = [...a, ...b].map((j) => j.id);
      expect(new Set(ids).size).toBe(6);
      expect(new Set(a.map((j) => j.lease.token)).size).toBe(4);
    });

    it('takes higher priority first', async () => {
      const low = await enqueueOne(t.store, { priority: 1 });
      const mid = await enqueueOne(t.store, { priority: 5 });
      const high = await enqueueOne(t.store, { priority: 9 });
      const zero = await enqueueOne(t.store, { priority: 0 });
      expect((await claimJobs(t.store, 10)).map((j) => j.id)).toEqual([high, mid, low, zero]);
    });

    it('serves a tenant first in, first out', async () => {
      const ids = await enqueueMany(t.store, 20);
      const claimed = [...(await claimJobs(t.store, 7)), ...(await claimJobs(t.store, 20))];
      expect(claimed.map((j) => j.id)).toEqual(ids);
    });

    it('does not claim delayed or blocked jobs', async () => {
      await enqueueOne(t.store, { runAt: T0 + MINUTE });
      const parent = newJob();
      await t.store.enqueue([parent, newJob({ dependsOn: [parent.id] })], T0);
      expect((await claimJobs(t.store, 10)).map((j) => j.id)).toEqual([parent.id]);
    });

    it('claims only the tenants asked for', async () => {
      await enqueueMany(t.store, 3, { tenant: 'acme' });
      await enqueueMany(t.store, 3, { tenant: 'beta' });
      await enqueueMany(t.store, 3, { tenant: 'gamma' });
      const jobs = await claimJobs(t.store, 10, T0, 'w', ['beta', 'gamma']);
      expect(jobs).toHaveLength(6);
      expect(new Set(jobs.map((j) => j.tenant))).toEqual(new Set(['beta', 'gamma']));
      expect((await claimJobs(t.store, 10)).map((j) => j.tenant)).toEqual(['acme', 'acme', 'acme']);
    });
  });

  describe('fairness between tenants', () => {
    it('interleaves a small tenant with a big one: its 10 jobs come within the first 20 claims', async () => {
      const big = Array.from({ length: 1000 }, () => newJob({ tenant: 'big' }));
      await t.store.enqueue(big, T0);
      await enqueueMany(t.store, 10, { tenant: 'small' });
      const first = await drainTenants(t.store, 5, 20);
      expect(first.filter((tenant) => tenant === 'small')).toHaveLength(10);
      const rest = await drainTenants(t.store, 100);
      expect(rest).toHaveLength(990);
      expect(rest.every((tenant) => tenant === 'big')).toBe(true);
    });

    it('keeps the turn between calls: one job per claim alternates tenants', async () => {
      await enqueueMany(t.store, 4, { tenant: 'acme' });
      await enqueueMany(t.store, 4, { tenant: 'beta' });
      const order = await drainTenants(t.store, 1);
      expect(order).toHaveLength(8);
      for (let i = 1; i < order.length; i++) expect(order[i]).not.toBe(order[i - 1]);
    });

    it('gives three tenants equal turns', async () => {
      await enqueueMany(t.store, 30, { tenant: 'acme' });
      await enqueueMany(t.store, 30, { tenant: 'beta' });
      await enqueueMany(t.store, 30, { tenant: 'gamma' });
      const first = await drainTenants(t.store, 4, 30);
      for (const tenant of ['acme', 'beta', 'gamma']) {
        expect(first.filter((x) => x === tenant)).toHaveLength(10);
      }
    });

    it('ranks priority above fairness: another tenant waits behind a higher band', async () => {
      await enqueueMany(t.store, 5, { tenant: 'acme', priority: 9 });
      await enqueueMany(t.store, 5, { tenant: 'beta', priority: 5 });
      expect(await drainTenants(t.store, 3)).toEqual([...Array(5).fill('acme'), ...Array(5).fill('beta')]);
    });

    it('weights tenants: weight 3 against 1 gets three claims in four', async () => {
      if (t.harness.supportsTenantWeights === false) return;
      const store = await t.create({ tenantWeights: { heavy: 3, light: 1 } });
      await store.enqueue(
        Array.from({ length: 60 }, () => newJob({ tenant: 'heavy' })),
        T0,
      );
      await store.enqueue(
        Array.from({ length: 60 }, () => newJob({ tenant: 'light' })),
        T0,
      );
      const first = await drainTenants(store, 1, 40);
      const heavy = first.filter((x) => x === 'heavy').length;
      expect(heavy).toBeGreaterThanOrEqual(29);
      expect(heavy).toBeLessThanOrEqual(31);
      // And over any window of 8 claims, both tenants are served.
      for (let i = 0; i + 8 <= first.length; i++) expect(new Set(first.slice(i, i + 8)).size).toBe(2);
    });
  });
}
