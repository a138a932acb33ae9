import { describe, expect, it } from 'vitest';
import { claimJobs, enqueueMany, enqueueOne, SECOND, T0 } from '../testing/fixtures.js';
import { runStoreConformance } from '../testing/index.js';
import { createMemoryStore } from './memory-store.js';

runStoreConformance('memory', {
  create: async (options) => createMemoryStore(options),
});

describe('memory store', () => {
  it('refuses a tenant weight that is not a positive number', () => {
    expect(() => createMemoryStore({ tenantWeights: { acme: 0 } })).toThrow(/tenantWeights\.acme/);
    expect(() => createMemoryStore({ tenantWeights: { acme: Number.NaN } })).toThrow(/positive/);
  });
});

describe('memory store tenant limits', () => {
  const tenantsOf = async (store: ReturnType<typeof createMemoryStore>, now: number) =>
    (await claimJobs(store, 10, now)).map((job) => job.tenant);

  it('a tenant at its limit in a higher band does not hold back a lower band', async () => {
    const store = createMemoryStore({ tenantLimits: { acme: { maxActive: 1 } } });
    await enqueueMany(store, 3, { tenant: 'acme', priority: 9 });
    await enqueueMany(store, 2, { tenant: 'beta', priority: 0 });
    expect(await tenantsOf(store, T0)).toEqual(['acme', 'beta', 'beta']);
  });

  it('a claim whose now is behind the last one refills nothing', async () => {
    const store = createMemoryStore({ tenantLimits: { acme: { rate: 1 } } });
    await enqueueMany(store, 3, { tenant: 'acme' });
    expect(await tenantsOf(store, T0 + SECOND)).toEqual(['acme']);
    expect(await tenantsOf(store, T0)).toEqual([]);
    expect(await tenantsOf(store, T0 + 2 * SECOND)).toEqual(['acme']);
  });

  it('a refill that makes exactly one token claims (no floating-point drift)', async () => {
    const store = createMemoryStore({ tenantLimits: { acme: { rate: 0.25, burst: 2 } } });
    await enqueueMany(store, 5, { tenant: 'acme' });
    const one = async (now: number) => (await claimJobs(store, 1, now)).length;
    expect(await one(T0)).toBe(1); // 2 → 1
    expect(await one(T0 + 1366)).toBe(1); // 1 + 0.3415 → 0.3415
    expect(await one(T0 + 3015)).toBe(0); // 0.75375
    // 0.3415 + 0.6585 is 1 exactly, but 0.9999999999999999 in binary floating point.
    expect(await one(T0 + 4000)).toBe(1);
  });

  it('a job canceled while waiting neither counts nor spends a token', async () => {
    const store = createMemoryStore({ tenantLimits: { acme: { maxActive: 1, rate: 1 } } });
    await store.cancel(await enqueueOne(store, { tenant: 'acme' }), T0);
    await enqueueOne(store, { tenant: 'acme' });
    expect(await tenantsOf(store, T0)).toEqual(['acme']);
  });
});
