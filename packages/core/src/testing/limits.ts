import { describe, expect, it } from 'vitest';
import type { Store } from '../store/store.js';
import { claimJobs, enqueueMany, type Fixture, failed, SECOND, succeeded, T0 } from './fixtures.js';

const tenantsOf = async (store: Store, limit: number, now = T0) =>
  (await claimJobs(store, limit, now)).map((job) => job.tenant);

export function limitTests(t: Fixture): void {
  describe('tenant limits', () => {
    it('holds a tenant at maxActive: its other jobs wait while other tenants are served', async () => {
      const store = await t.create({ tenantLimits: { acme: { maxActive: 2 } } });
      await enqueueMany(store, 5, { tenant: 'acme' });
      await enqueueMany(store, 3, { tenant: 'beta' });
      const first = await claimJobs(store, 10);
      expect(first.filter((job) => job.tenant === 'acme')).toHaveLength(2);
      expect(first.filter((job) => job.tenant === 'beta')).toHaveLength(3);
      expect(await claimJobs(store, 10)).toEqual([]);
      // An ended job gives its place back, whether it succeeded or failed.
      const [a, b] = first.filter((job) => job.tenant === 'acme');
      if (a === undefined || b === undefined) throw new Error('two acme jobs were claimed');
      await store.settle([succeeded(a)], T0 + 1);
      expect(await tenantsOf(store, 10, T0 + 2)).toEqual(['acme']);
      await store.settle([failed(b)], T0 + 3);
      expect(await tenantsOf(store, 10, T0 + 4)).toEqual(['acme']);
      expect(await claimJobs(store, 10, T0 + 5)).toEqual([]);
    });

    it('gives a canceled job’s place back', async () => {
      const store = await t.create({ tenantLimits: { acme: { maxActive: 1 } } });
      await enqueueMany(store, 2, { tenant: 'acme' });
      const [job] = await claimJobs(store, 10);
      if (job === undefined) throw new Error('nothing claimed');
      expect(await claimJobs(store, 10)).toEqual([]);
      await store.cancel(job.id, T0 + 1);
      expect(await tenantsOf(store, 10, T0 + 2)).toEqual(['acme']);
    });

    it('paces a tenant by rate, with a burst after a quiet spell', async () => {
      // 2 jobs a second, 3 at once at most.
      const store = await t.create({ tenantLimits: { acme: { rate: 2, burst: 3 } } });
      await enqueueMany(store, 20, { tenant: 'acme' });
      await enqueueMany(store, 2, { tenant: 'beta' });
      const first = await tenantsOf(store, 10);
      expect(first.filter((tenant) => tenant === 'acme')).toHaveLength(3);
      expect(first.filter((tenant) => tenant === 'beta')).toHaveLength(2);
      expect(await claimJobs(store, 10, T0 + 100)).toEqual([]);
      // Half a second refills one token; two more seconds refill four, of which three fit.
      expect(await tenantsOf(store, 10, T0 + SECOND / 2)).toEqual(['acme']);
      expect(await tenantsOf(store, 10, T0 + SECOND / 2)).toEqual([]);
      expect(await tenantsOf(store, 10, T0 + (5 * SECOND) / 2)).toEqual(['acme', 'acme', 'acme']);
    });

    it('refuses limits that are not numbers it can use, naming the field', async () => {
      await expect(t.create({ tenantLimits: { acme: { maxActive: 0 } } })).rejects.toMatchObject({
        code: 'invalid_argument',
        field: 'tenantLimits.acme.maxActive',
      });
      await expect(t.create({ tenantLimits: { acme: { rate: -1 } } })).rejects.toMatchObject({
        code: 'invalid_argument',
        field: 'tenantLimits.acme.rate',
      });
    });
  });
}
