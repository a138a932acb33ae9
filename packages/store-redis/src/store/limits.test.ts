import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newJob } from '../testing/jobs.test-helpers.js';
import { type RedisHarness, startRedis } from '../testing/redis-server.js';
import type { RedisStoreOptions } from './options.js';
import { createRedisStore, type RedisStore } from './redis-store.js';

// What core's conformance tests cannot show: limits kept in Redis hold across several
// processes (each with its own Claimer), and a limited tenant keeps its place in the index.
const NOW = 1_700_000_000_000;
const claimOf = (limit: number, now = NOW) => ({ workerId: 'w1', limit, leaseMs: 30_000, now });

let harness: RedisHarness;
let redis: Redis;
beforeAll(async () => {
  harness = await startRedis();
  redis = harness.client();
});
afterAll(async () => {
  await harness.stop();
});

/** Two stores on one prefix, as two worker processes of one cluster would be. */
function twoWorkers(options: RedisStoreOptions): [RedisStore, RedisStore, string] {
  const prefix = harness.prefix();
  return [createRedisStore({ ...options, redis, prefix }), createRedisStore({ ...options, redis, prefix }), prefix];
}

describe('redis store: tenant limits across a cluster', () => {
  it('holds maxActive across claimers, and keeps the limited tenant in the ready index', async () => {
    const [a, b, prefix] = twoWorkers({ tenantLimits: { acme: { maxActive: 3 } } });
    await a.enqueue(
      Array.from({ length: 10 }, () => newJob('acme', 5)),
      NOW,
    );
    expect(await a.claim(claimOf(2))).toHaveLength(2);
    expect(await b.claim(claimOf(10))).toHaveLength(1);
    expect(await a.claim(claimOf(10))).toEqual([]);
    expect(await redis.zrange(`${prefix}:ready`, 0, -1)).toEqual(['5/acme']);
  });

  it('shares one bucket between claimers, refilled by the claims’ own clocks', async () => {
    const [a, b] = twoWorkers({ tenantLimits: { acme: { rate: 1, burst: 2 } } });
    await a.enqueue(
      Array.from({ length: 10 }, () => newJob('acme', 5)),
      NOW,
    );
    expect(await a.claim(claimOf(10))).toHaveLength(2);
    expect(await b.claim(claimOf(10, NOW + 1000))).toHaveLength(1);
    // A claimer whose clock is behind refills nothing and does not move the bucket's time.
    expect(await a.claim(claimOf(10, NOW + 500))).toEqual([]);
    expect(await b.claim(claimOf(10, NOW + 2000))).toHaveLength(1);
  });

  it('gives a limited tenant’s share to the others within the same call', async () => {
    const store = createRedisStore({ redis, prefix: harness.prefix(), tenantLimits: { acme: { maxActive: 1 } } });
    await store.enqueue(
      [...Array.from({ length: 5 }, () => newJob('acme', 5)), ...Array.from({ length: 20 }, () => newJob('beta', 5))],
      NOW,
    );
    const tenants = (await store.claim(claimOf(10))).map((job) => job.tenant);
    expect(tenants.filter((tenant) => tenant === 'acme')).toHaveLength(1);
    expect(tenants.filter((tenant) => tenant === 'beta')).toHaveLength(9);
    expect((await store.claim(claimOf(10))).map((job) => job.tenant)).toEqual(Array(10).fill('beta'));
  });

  it('tells its own listeners ready once a rate-limited tenant may start another job', async () => {
    const store = createRedisStore({ redis, prefix: harness.prefix(), tenantLimits: { acme: { rate: 20, burst: 1 } } });
    await store.enqueue([newJob('acme', 5), newJob('acme', 5)], NOW);
    // Subscribed after the enqueue: its own 'ready' was published before, and is not heard.
    const heard = new Promise<string>((resolve) => store.subscribe(resolve));
    expect(await store.claim(claimOf(10))).toHaveLength(1);
    // No write follows, so nothing is published: the 'ready' comes from the store itself,
    // 1/20 s on (and, waited for here, well before a worker's poll of 1 s).
    expect(await heard).toBe('ready');
    expect(await store.claim(claimOf(10, NOW + 50))).toHaveLength(1);
    await store.close();
  });
});
