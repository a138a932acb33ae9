import { CadenzaError, type NewJob } from '@cadenza/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantKeys } from '../keys.js';
import { newJob } from '../testing/jobs.test-helpers.js';
import { type ClusterHarness, startRedisCluster } from '../testing/redis-cluster.js';
import type { RedisStoreOptions } from './options.js';
import { createRedisStore, type RedisStore } from './redis-store.js';

// A real Redis Cluster of 3 primaries, each with a replica: what runs where, durable writes
// that wait for a replica, and a tenant's slot moved to another primary while it is busy.
let cluster: ClusterHarness;
const stores: RedisStore[] = [];
beforeAll(async () => {
  cluster = await startRedisCluster({ primaries: 3, replicas: 1 });
}, 60_000);
afterAll(async () => {
  for (const store of stores) await store.close();
  await cluster.stop();
});

function store(options: Omit<RedisStoreOptions, 'clusterUrls'> = {}): { store: RedisStore; prefix: string } {
  const prefix = options.prefix ?? cluster.prefix();
  const created = createRedisStore({ ...options, clusterUrls: cluster.urls, prefix });
  stores.push(created);
  return { store: created, prefix };
}

async function onNode<T>(port: number, call: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  try {
    return await call(redis);
  } finally {
    redis.disconnect();
  }
}

const NOW = 1_700_000_000_000;

describe('a store on a Redis Cluster', () => {
  it('spreads 30 tenants over every primary and loads its library on each', async () => {
    const { store: s, prefix } = store();
    const tenants = Array.from({ length: 30 }, (_, i) => `tenant${i}`);
    const results = await s.enqueue(
      tenants.map((tenant) => newJob(tenant, 5)),
      NOW,
    );
    expect(results.every((result) => result.created)).toBe(true);
    const owners = new Map<number, string[]>();
    for (const tenant of tenants) {
      const port = await cluster.primaryOf(tenantKeys(prefix, tenant).counts);
      owners.set(port, [...(owners.get(port) ?? []), tenant]);
    }
    const primaries = await cluster.primaries();
    expect([...owners.keys()].sort()).toEqual([...primaries].sort());
    for (const port of primaries) {
      // The tenants a primary serves have their keys there, and only there.
      const keys = await onNode(port, (redis) => redis.keys(`${prefix}:{t:*}:n`));
      expect(keys.sort()).toEqual((owners.get(port) ?? []).map((t) => tenantKeys(prefix, t).counts).sort());
      const libraries = await onNode(port, (redis) => redis.call('FUNCTION', 'LIST'));
      expect(JSON.stringify(libraries)).toContain('cadenza_v');
    }
    // A batch spanning primaries was one call to the caller: every job is there.
    const jobs = await s.getJobs(results.map((result) => result.id));
    expect(jobs.map((job) => job?.status)).toEqual(tenants.map(() => 'waiting'));
  });

  it('is checked by doctor on every primary: silent when healthy, a drifted count found on its own primary', async () => {
    const { store: s, prefix } = store();
    const tenants = Array.from({ length: 12 }, (_, i) => `doc${i}`);
    await s.enqueue(
      tenants.flatMap((tenant) => [newJob(tenant, 5), newJob(tenant, 7)]),
      NOW,
    );
    const claimed = await s.claim({ workerId: 'w1', limit: 6, leaseMs: 30_000, now: NOW });
    expect(claimed).toHaveLength(6);
    const doctor = (repair: boolean) => {
      if (s.doctor === undefined) throw new Error('the Redis store has a doctor');
      return s.doctor({ repair, now: NOW + 1 });
    };
    expect(await doctor(false)).toEqual({ findings: [], checked: { tenants: 12, jobs: 24, schedules: 0 } });
    const counts = tenantKeys(prefix, 'doc7').counts;
    await onNode(await cluster.primaryOf(counts), (redis) => redis.hincrby(counts, 'waiting/5', 2));
    const found = await doctor(true);
    expect(found.findings.map((f) => [f.check, f.subject, f.repaired])).toEqual([['counts', 'doc7/5', 'set to 1']]);
    expect((await doctor(false)).findings).toEqual([]);
  });

  it('refuses a batch spanning primaries whole when one tenant part is bad, writing nothing', async () => {
    const { store: s } = store();
    const good = newJob('alpha', 5);
    const bad: NewJob = { ...newJob('omega', 5), dependsOn: ['omega:nope'] };
    await expect(s.enqueue([good, newJob('beta', 5), bad], NOW)).rejects.toThrow(/jobs\.2\.dependsOn/);
    expect(await s.getJob(good.id)).toBeUndefined();
    expect(await s.depths()).toEqual([]);
  });

  it('acknowledges a durable write once a replica has it, and refuses one no replica set can hold', async () => {
    const { store: durable } = store({ durableWrites: 1 });
    const [made] = await durable.enqueue([newJob('durable', 5)], NOW);
    expect(made?.created).toBe(true);
    // Each primary has one replica: two can never confirm.
    const { store: greedy } = store({ durableWrites: 2, durableWritesTimeoutMs: 200 });
    const error = await greedy.enqueue([newJob('greedy', 5)], NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CadenzaError);
    expect((error as CadenzaError).code).toBe('unavailable');
    expect((error as Error).message).toMatch(/1 of 2 replicas confirmed it within 200 ms/);
  });

  it('loads its library again when a primary lost it', async () => {
    const { store: s } = store();
    await s.enqueue([newJob('flushed', 5)], NOW);
    for (const port of await cluster.primaries()) await onNode(port, (redis) => redis.call('FUNCTION', 'FLUSH'));
    const [made] = await s.enqueue([newJob('flushed', 5)], NOW);
    expect(made?.created).toBe(true);
  });

  it('loses nothing while a busy tenant moves to another primary', async () => {
    const { store: s, prefix } = store();
    const tenant = 'mover';
    const counts = tenantKeys(prefix, tenant).counts;
    const from = await cluster.primaryOf(counts);
    const to = (await cluster.primaries()).find((port) => port !== from) as number;
    const acknowledged = new Set<string>();
    const settled = new Map<string, number>();
    let moving = true;
    let producing = true;
    let sent = 0;
    // Calls that meet the slot half moved are retried by the client (TRYAGAIN) or answer
    // `unavailable`, and are asked again; anything else fails the test.
    const meet = (error: unknown) => {
      if (!(error instanceof CadenzaError && error.code === 'unavailable')) throw error;
    };
    // A producer and a consumer keep the tenant busy while its slot moves; calls that
    // fail mid-move are retried with the same ids (a job created already is kept).
    const produce = (async () => {
      while (moving || sent < 400) {
        const batch = Array.from({ length: 5 }, () => newJob(tenant, sent % 10));
        sent += batch.length;
        for (;;) {
          try {
            const results = await s.enqueue(batch, NOW);
            for (const result of results) acknowledged.add(result.id);
            break;
          } catch (error) {
            if (!(error instanceof CadenzaError && error.code === 'conflict')) {
              meet(error);
              continue;
            }
            // A retry after an answer lost mid-move: the jobs are there already.
            for (const job of batch) if ((await s.getJob(job.id)) !== undefined) acknowledged.add(job.id);
            break;
          }
        }
      }
    })();
    const consume = (async () => {
      while (producing || settled.size < acknowledged.size) {
        const claimed = await s.claim({ workerId: 'w1', limit: 10, leaseMs: 60_000, now: NOW }).catch((error) => {
          meet(error);
          return [];
        });
        if (claimed.length === 0) {
          await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        for (;;) {
          const states = await s
            .settle(
              claimed.map((job) => ({
                jobId: job.id,
                token: job.lease.token,
                outcome: 'succeeded' as const,
                result: null,
              })),
              NOW,
            )
            .catch((error) => {
              meet(error);
              return undefined;
            });
          if (states === undefined) continue;
          claimed.forEach((job, i) => {
            if (states[i] === 'ok') settled.set(job.id, (settled.get(job.id) ?? 0) + 1);
          });
          break;
        }
      }
    })();
    const before = acknowledged.size;
    await cluster.moveSlot(counts, to, { batch: 3, pauseMs: 30 });
    const during = acknowledged.size - before;
    moving = false;
    await produce;
    producing = false;
    await consume;
    expect(await cluster.primaryOf(counts)).toBe(to);
    // The tenant was busy while it moved: jobs were acknowledged meanwhile.
    expect(during).toBeGreaterThan(0);
    expect(acknowledged.size).toBeGreaterThanOrEqual(400);
    expect([...acknowledged].filter((id) => !settled.has(id))).toEqual([]);
    expect([...settled.values()].every((times) => times === 1)).toBe(true);
    const jobs = await s.getJobs([...acknowledged]);
    expect(jobs.filter((job) => job?.status !== 'succeeded')).toEqual([]);
  }, 60_000);
});
