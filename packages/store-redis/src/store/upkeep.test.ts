import { type ClaimedJob, createMemoryStore, type NewJob, type Store } from '@cadenza/core';
import { newJob } from '@cadenza/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisHarness, startRedis } from '../testing/redis-server.js';
import { createRedisStore, type RedisStore } from './redis-store.js';

/*
 * The coordinator's upkeep across tenants, where the conformance suite (one tenant at a
 * time, mostly) says little: every scenario runs on the memory store (the reference) and
 * on Redis, and their answers must agree.
 */

const T0 = Date.UTC(2026, 0, 1);
const SECOND = 1000;
const LEASE_MS = 30 * SECOND;

let redis: RedisHarness;
const opened: RedisStore[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});
afterAll(async () => {
  await redis.stop();
});

/** Runs `scenario` on both stores; returns what each answered. */
async function both<T>(scenario: (store: Store) => Promise<T>): Promise<{ memory: T; redis: T }> {
  const store = createRedisStore({ url: redis.url, prefix: redis.prefix() });
  opened.push(store);
  return { memory: await scenario(createMemoryStore()), redis: await scenario(store) };
}

function job(tenant: string, n: number, fields: Partial<NewJob> = {}): NewJob {
  return newJob({ id: `${tenant}:j${n}`, tenant, ...fields });
}

async function lead(store: Store) {
  const lease = await store.acquireLeadership('c1', 60 * SECOND, T0);
  if (lease === undefined) throw new Error('could not lead');
  return { nodeId: lease.nodeId, epoch: lease.epoch };
}

async function claimAll(store: Store, now = T0): Promise<ClaimedJob[]> {
  return store.claim({ workerId: 'w1', limit: 100, leaseMs: LEASE_MS, now });
}

async function statuses(store: Store, ids: readonly string[]): Promise<(string | undefined)[]> {
  return (await store.getJobs(ids)).map((j) => j?.status);
}

describe('upkeep across tenants (redis agrees with memory)', () => {
  it('promotes the earliest runAt first across tenants, at most limit', async () => {
    const ids = ['a:j1', 'b:j2', 'c:j3', 'a:j4', 'b:j5'];
    const { memory, redis: onRedis } = await both(async (store) => {
      const fence = await lead(store);
      await store.enqueue(
        [
          job('a', 1, { runAt: T0 + 5 * SECOND }),
          job('b', 2, { runAt: T0 + 1 * SECOND }),
          job('c', 3, { runAt: T0 + 3 * SECOND }),
          job('a', 4, { runAt: T0 + 2 * SECOND }),
          job('b', 5, { runAt: T0 + 4 * SECOND }),
        ],
        T0,
      );
      const counts = [await store.promoteDelayed(fence, T0 + 10 * SECOND, 3)];
      const after = await statuses(store, ids);
      counts.push(await store.promoteDelayed(fence, T0 + 10 * SECOND, 3));
      return { counts, after, due: await store.nextDueAt() };
    });
    expect(onRedis).toEqual(memory);
    expect(memory.after).toEqual(['delayed', 'waiting', 'waiting', 'waiting', 'delayed']);
  });

  it('recovers the earliest expired leases first across tenants, in order', async () => {
    const { memory, redis: onRedis } = await both(async (store) => {
      await store.enqueue([job('a', 1, { maxAttempts: 2 })], T0);
      await claimAll(store, T0 + 3 * SECOND);
      await store.enqueue([job('b', 2)], T0);
      await claimAll(store, T0 + 1 * SECOND);
      await store.enqueue([job('c', 3, { maxAttempts: 2 }), job('a', 4)], T0);
      await claimAll(store, T0 + 2 * SECOND);
      const fence = await lead(store);
      const first = await store.recoverExpiredLeases(fence, T0 + 10 * LEASE_MS, 3);
      const second = await store.recoverExpiredLeases(fence, T0 + 10 * LEASE_MS, 3);
      const failedJob = await store.getJob('b:j2');
      return { first, second, error: failedJob?.error, attempt: failedJob?.attempt, due: await store.nextDueAt() };
    });
    expect(onRedis).toEqual(memory);
    expect(memory.first.failed).toContain('b:j2');
  });

  it('releases dependents of many tenants, cascading, however the limit cuts it', async () => {
    for (const limit of [1, 2, 3, 100]) {
      const { memory, redis: onRedis } = await both(async (store) => {
        const fence = await lead(store);
        const jobs: NewJob[] = [];
        for (const tenant of ['a', 'b', 'c']) {
          jobs.push(job(tenant, 0));
          for (let n = 1; n <= 4; n++) jobs.push(job(tenant, n, { dependsOn: [`${tenant}:j${n - 1}`] }));
          jobs.push(job(tenant, 9, { dependsOn: [`${tenant}:j0`] }));
        }
        await store.enqueue(jobs, T0);
        const claimed = await claimAll(store);
        await store.settle(
          claimed.map((c) =>
            c.tenant === 'b'
              ? { jobId: c.id, token: c.lease.token, outcome: 'succeeded' as const, result: null }
              : { jobId: c.id, token: c.lease.token, outcome: 'failed' as const, error: { code: 'x', message: 'x' } },
          ),
          T0 + SECOND,
        );
        const due = await store.nextDueAt();
        let total = 0;
        for (let round = 0; round < 50; round++) {
          const changed = await store.releaseDependents(fence, T0 + 2 * SECOND, limit);
          total += changed;
          if (changed === 0) break;
        }
        const all = jobs.map((j) => j.id);
        return { due, total, after: await statuses(store, all), dueAfter: await store.nextDueAt() };
      });
      expect(onRedis).toEqual(memory);
      expect(memory.total).toBe(12);
    }
  });

  it('applies retention per tenant, with Infinity and fractional limits', async () => {
    const { memory, redis: onRedis } = await both(async (store) => {
      const fence = await lead(store);
      for (let n = 0; n < 4; n++) {
        await store.enqueue([job('a', n, { idempotencyKey: `k${n}` }), job('b', n)], T0);
        const claimed = await claimAll(store);
        await store.settle(
          claimed.map((c) => ({ jobId: c.id, token: c.lease.token, outcome: 'succeeded' as const, result: n })),
          T0 + n * SECOND,
        );
      }
      const none = await store.applyRetention(
        fence,
        { maxAgeMs: Number.POSITIVE_INFINITY, maxCount: Number.POSITIVE_INFINITY },
        T0 + 60 * SECOND,
      );
      const fractional = await store.applyRetention(
        fence,
        { maxAgeMs: Number.POSITIVE_INFINITY, maxCount: 2.5 },
        T0 + 60 * SECOND,
      );
      const byAge = await store.applyRetention(fence, { maxAgeMs: 58 * SECOND, maxCount: 10 }, T0 + 60 * SECOND);
      const left = (await store.listJobs({ limit: 100 })).jobs.map((j) => j.id).sort();
      const [again] = await store.enqueue([job('a', 7, { idempotencyKey: 'k0' })], T0 + 61 * SECOND);
      return { none, fractional, byAge, left, again, depths: await store.depths() };
    });
    expect(onRedis).toEqual(memory);
    expect(memory.left).toEqual(['a:j2', 'a:j3', 'b:j2', 'b:j3']);
  });

  it('spares a released parent while a child still waits on another parent', async () => {
    const { memory, redis: onRedis } = await both(async (store) => {
      const fence = await lead(store);
      await store.enqueue([job('a', 1), job('a', 2, { runAt: T0 + 10 * SECOND })], T0);
      await store.enqueue([job('a', 3, { dependsOn: ['a:j1', 'a:j2'] })], T0);
      const [first] = await claimAll(store);
      if (first === undefined) throw new Error('nothing claimed');
      await store.settle([{ jobId: first.id, token: first.lease.token, outcome: 'succeeded', result: 1 }], T0 + SECOND);
      const due = await store.nextDueAt();
      const released = await store.releaseDependents(fence, T0 + SECOND, 10);
      const deleted = await store.applyRetention(fence, { maxAgeMs: 0, maxCount: 0 }, T0 + 5 * SECOND);
      return { due, released, deleted, after: await statuses(store, ['a:j1', 'a:j2', 'a:j3']) };
    });
    expect(onRedis).toEqual(memory);
    expect(memory.after).toEqual(['succeeded', 'delayed', 'blocked']);
  });

  it('hands the lease over like the memory store', async () => {
    const { memory, redis: onRedis } = await both(async (store) => {
      const seen: unknown[] = [];
      const first = await store.acquireLeadership('c1', 1500.5, T0 + 0.25);
      seen.push(first);
      seen.push(await store.acquireLeadership('c2', 1000, T0 + 1000));
      seen.push(await store.getLeadership(T0 + 1500.75));
      seen.push(await store.getLeadership(T0 + 1500.74));
      seen.push(await store.renewLeadership({ nodeId: 'c1', epoch: first?.epoch ?? 0 }, 10, T0 + 1600));
      const second = await store.acquireLeadership('c2', 1000, T0 + 1600);
      seen.push(second);
      await store.releaseLeadership({ nodeId: 'c1', epoch: first?.epoch ?? 0 });
      seen.push(await store.getLeadership(T0 + 1600));
      await store.releaseLeadership({ nodeId: 'c2', epoch: second?.epoch ?? 0 });
      seen.push(await store.getLeadership(T0 + 1600));
      seen.push(await store.renewLeadership({ nodeId: 'c2', epoch: second?.epoch ?? 0 }, 10, T0 + 1600));
      seen.push(await store.acquireLeadership('c3', 1000, T0 + 1600));
      return seen;
    });
    expect(onRedis).toEqual(memory);
  });
});
