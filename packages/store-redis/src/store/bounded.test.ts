import { newJob as coreNewJob } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import { tenantKeys } from '../keys.js';
import { redisPerFile } from '../testing/redis-per-file.test-helpers.js';

// What core's size tests cannot see from outside: the work of one call is bounded by the
// call, not by the size of what is stored, and a refused batch leaves no trace in Redis.
const T0 = Date.UTC(2026, 0, 1);

const file = redisPerFile();

describe('redis store: bounded work', () => {
  it('keeps 5,000 children of one parent as a sorted set, and releases them at most `limit` per call', async () => {
    const { store, prefix } = file.freshStore();
    const keys = tenantKeys(prefix, 'acme');
    const [parent] = await store.enqueue([coreNewJob()], T0);
    const children = Array.from({ length: 5_000 }, () => coreNewJob({ dependsOn: [parent?.id ?? ''] }));
    await store.enqueue(children, T0);
    expect(await file.redis.type(keys.children)).toBe('zset');
    expect(await file.redis.zcard(keys.children)).toBe(5_000);

    await store.cancel(parent?.id ?? '', T0);
    const fence = await store.acquireLeadership('c1', 30_000, T0);
    if (fence === undefined) throw new Error('no lease');
    const steps: number[] = [];
    for (let changed = -1; changed !== 0; ) {
      changed = await store.releaseDependents(fence, T0, 700);
      steps.push(changed);
    }
    expect(Math.max(...steps)).toBeLessThanOrEqual(700);
    expect(steps.reduce((a, b) => a + b, 0)).toBe(5_000);
    expect(await file.redis.zcard(keys.children)).toBe(0);
    expect(await file.redis.llen(keys.ended)).toBe(0);
    await store.close();
  }, 60_000);

  it('deletes 5,000 finished jobs in bounded batches within one applyRetention', async () => {
    const { store, prefix } = file.freshStore();
    const jobs = Array.from({ length: 5_000 }, () => coreNewJob());
    await store.enqueue(jobs, T0);
    const claimed = await store.claim({ workerId: 'w', limit: 5_000, leaseMs: 30_000, now: T0 });
    await store.settle(
      claimed.map((job) => ({ jobId: job.id, token: job.lease.token, outcome: 'succeeded' as const, result: 1 })),
      T0,
    );
    const fence = await store.acquireLeadership('c1', 30_000, T0);
    if (fence === undefined) throw new Error('no lease');
    expect(await store.applyRetention(fence, { maxCount: 10, maxAgeMs: Number.POSITIVE_INFINITY }, T0)).toBe(4_990);
    expect(await file.redis.zcard(tenantKeys(prefix, 'acme').finished)).toBe(10);
    expect(await file.redis.hlen(tenantKeys(prefix, 'acme').jobs)).toBe(10);
    await store.close();
  }, 60_000);

  it('writes nothing at all for a refused batch of 10,000', async () => {
    const { store, prefix } = file.freshStore();
    const keys = tenantKeys(prefix, 'acme');
    const [taken] = await store.enqueue([coreNewJob({ priority: 3 })], T0);
    const jobs = Array.from({ length: 9_999 }, () => coreNewJob());
    jobs.push(coreNewJob({ id: taken?.id ?? '' }));
    await expect(store.enqueue(jobs, T0)).rejects.toMatchObject({ code: 'conflict' });
    expect(await file.redis.xlen(keys.streams[5] ?? '')).toBe(0);
    expect(await file.redis.hlen(keys.where)).toBe(1);
    expect(await file.redis.hget(keys.counts, 'waiting/5')).toBeNull();
    await store.close();
  }, 60_000);
});
