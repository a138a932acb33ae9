import { newJob, scheduleDefinition } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import { tenantKeys, tenantsKey } from '../keys.js';
import { redisPerFile } from '../testing/redis-per-file.test-helpers.js';
import { createRedisStore, type RedisStore } from './redis-store.js';

// The tenant set holds the tenants with jobs or schedules, so that the coordinator's walks,
// depths() and listing across tenants cost what is live, not every tenant ever seen.
const T0 = Date.UTC(2026, 0, 1);
const FOREVER = Number.POSITIVE_INFINITY;

const file = redisPerFile();

async function runAll(store: RedisStore, tenant: string, now: number): Promise<void> {
  const claimed = await store.claim({ workerId: 'w', limit: 100, leaseMs: 30_000, now, tenants: [tenant] });
  await store.settle(
    claimed.map((job) => ({ jobId: job.id, token: job.lease.token, outcome: 'succeeded' as const, result: 1 })),
    now,
  );
}

describe('redis store: tenancy', () => {
  it('takes a tenant whose jobs are all deleted out of the set, with its keys; its next job brings it back', async () => {
    const { store, prefix } = file.freshStore();
    const other = createRedisStore({ redis: file.redis, prefix });
    await store.enqueue(
      Array.from({ length: 20 }, () => newJob({ tenant: 'brief' }, T0)),
      T0,
    );
    await store.enqueue([newJob({ tenant: 'steady' }, T0)], T0);
    expect((await file.redis.smembers(tenantsKey(prefix))).sort()).toEqual(['brief', 'steady']);
    await runAll(store, 'brief', T0);

    const fence = await store.acquireLeadership('c1', 60_000, T0);
    if (fence === undefined) throw new Error('no lease');
    // Finished jobs kept: the tenant stays.
    await store.applyRetention(fence, { maxCount: 100, maxAgeMs: FOREVER }, T0);
    expect((await file.redis.smembers(tenantsKey(prefix))).sort()).toEqual(['brief', 'steady']);
    // All deleted: it leaves, and what outlived its jobs goes with it.
    expect(await store.applyRetention(fence, { maxCount: 0, maxAgeMs: FOREVER }, T0)).toBe(20);
    expect(await file.redis.smembers(tenantsKey(prefix))).toEqual(['steady']);
    const keys = tenantKeys(prefix, 'brief');
    expect(await file.redis.exists(...keys.streams, keys.log, keys.claims, keys.index, keys.jobs)).toBe(0);
    expect((await store.depths()).map((d) => d.tenant)).toEqual(['steady']);

    // A process that had registered it before writes again: the script's mark brings it back.
    await other.enqueue([newJob({ tenant: 'brief' }, T0 + 1)], T0 + 1);
    expect((await file.redis.smembers(tenantsKey(prefix))).sort()).toEqual(['brief', 'steady']);
    expect((await store.listJobs({ tenant: 'brief', limit: 10 })).jobs).toHaveLength(1);
    await runAll(other, 'brief', T0 + 2);
    expect(await store.applyRetention(fence, { maxCount: 0, maxAgeMs: FOREVER }, T0 + 2)).toBe(1);
    expect(await file.redis.smembers(tenantsKey(prefix))).toEqual(['steady']);
  });

  it('keeps a tenant that has a schedule and no job, and one with only delayed jobs', async () => {
    const { store, prefix } = file.freshStore();
    await store.upsertSchedule(scheduleDefinition({ tenant: 'sched' }), T0);
    await store.enqueue([newJob({ tenant: 'later', runAt: T0 + 60_000 }, T0)], T0);
    const fence = await store.acquireLeadership('c1', 60_000, T0);
    if (fence === undefined) throw new Error('no lease');
    await store.applyRetention(fence, { maxCount: 0, maxAgeMs: 0 }, T0 + 1000);
    expect((await file.redis.smembers(tenantsKey(prefix))).sort()).toEqual(['later', 'sched']);
    // A policy that deletes nothing still lets empty tenants go.
    await store.deleteSchedule('sched', 'digest');
    await store.applyRetention(fence, { maxCount: FOREVER, maxAgeMs: FOREVER }, T0 + 1000);
    expect(await file.redis.smembers(tenantsKey(prefix))).toEqual(['later']);
  });

  it('frees the key of each fire whose job retention deleted, while the schedule goes on', async () => {
    const { store, prefix } = file.freshStore();
    await store.upsertSchedule(scheduleDefinition({ tenant: 'sched' }), T0);
    for (let k = 1; k <= 3; k++) await store.triggerSchedule('sched', 'digest', T0 + k);
    const keys = tenantKeys(prefix, 'sched');
    expect(await file.redis.hlen(keys.idempotency)).toBe(3);
    await runAll(store, 'sched', T0 + 10);
    const fence = await store.acquireLeadership('c1', 60_000, T0);
    if (fence === undefined) throw new Error('no lease');
    expect(await store.applyRetention(fence, { maxCount: 0, maxAgeMs: FOREVER }, T0 + 10)).toBe(3);
    expect(await file.redis.hlen(keys.idempotency)).toBe(0);
    expect(await file.redis.smembers(tenantsKey(prefix))).toEqual(['sched']);
  });
});
