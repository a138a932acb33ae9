import type { ClaimedJob, NewJob } from '@cadenza/core';
import { newJobId } from '@cadenza/core/store-kit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localId, tenantKeys } from '../keys.js';
import { Scripts } from '../scripts/call.js';
import { commandStats, countRoundTrips, newJob } from '../testing/jobs.test-helpers.js';
import { type RedisHarness, startRedis } from '../testing/redis-server.js';
import { createRedisStore, RedisStore } from './redis-store.js';

const NOW = 1_700_000_000_000;
/** Commands the client sends itself (the rest in commandstats ran inside scripts). */
const CLIENT_COMMANDS = new Set(['fcall', 'fcall_ro', 'zrange', 'zrem', 'sadd', 'publish']);

async function serverCpu(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]);
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1]);
  return user + sys;
}
const claimOf = (limit: number, now = NOW) => ({ workerId: 'w1', limit, leaseMs: 30_000, now });

let harness: RedisHarness;
let redis: Redis;
let queue: RedisStore;

beforeAll(async () => {
  harness = await startRedis();
  redis = harness.client();
});
afterAll(async () => {
  await harness.stop();
});
beforeEach(() => {
  queue = createRedisStore({ redis, prefix: harness.prefix() });
});

describe('redis store: the ready path and what it costs', () => {
  it('serves bands strictly by priority, tenants in turn, each tenant first in first out', async () => {
    const tenants = ['acme', 'bolt', 'cove'];
    const priorities = [2, 5, 9];
    const jobs: NewJob[] = [];
    // 1,000 jobs, interleaved so that arrival order alone would not give the right answer.
    for (let k = 0; k < 1000; k++) {
      const tenant = tenants[k % 3] ?? 'acme';
      const priority = priorities[Math.floor(k / 3) % 3] ?? 5;
      jobs.push(newJob(tenant, priority));
    }
    const results = await queue.enqueue(jobs, NOW);
    expect(results.every((result) => result.created && result.status === 'waiting')).toBe(true);

    const claimed: ClaimedJob[] = [];
    for (;;) {
      const batch = await queue.claim(claimOf(37));
      if (batch.length === 0) break;
      expect(batch.length).toBeLessThanOrEqual(37);
      claimed.push(...batch);
    }
    expect(claimed).toHaveLength(1000);
    expect(new Set(claimed.map((job) => job.id)).size).toBe(1000);

    // Strict priority: the claimed sequence never goes up a band.
    const bands = claimed.map((job) => job.priority);
    expect(bands).toEqual([...bands].sort((a, b) => b - a));

    // FIFO within each tenant and band: claim order is enqueue order.
    const position = new Map(jobs.map((job, index) => [job.id, index]));
    for (const tenant of tenants) {
      for (const priority of priorities) {
        const order = claimed
          .filter((job) => job.tenant === tenant && job.priority === priority)
          .map((job) => position.get(job.id) ?? -1);
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
    }

    // Round robin: within a band, no tenant gets two jobs ahead of another while all have work.
    for (const priority of priorities) {
      const inBand = claimed.filter((job) => job.priority === priority);
      const served = new Map<string, number>();
      for (const job of inBand.slice(0, 300)) {
        served.set(job.tenant, (served.get(job.tenant) ?? 0) + 1);
        const counts = [...served.values()];
        expect(
          Math.max(...counts) - Math.min(...counts, served.size < 3 ? 0 : Number.POSITIVE_INFINITY),
        ).toBeLessThanOrEqual(1);
      }
    }

    // Each claim is a lease with an attempt and a token.
    const first = claimed[0];
    expect(first?.status).toBe('active');
    expect(first?.attempt).toBe(1);
    expect(first?.lease).toMatchObject({ workerId: 'w1', expiresAt: NOW + 30_000 });
  });

  it('keeps the job, payload and options through enqueue, claim and getJob', async () => {
    const job = { ...newJob('acme', 7, { to: 'a@b.c', n: [1, 2] }), tags: ['x'], maxAttempts: 3, timeoutMs: 500 };
    await queue.enqueue([job], NOW);
    expect(await queue.getJob(job.id)).toMatchObject({
      status: 'waiting',
      attempt: 0,
      payload: job.payload,
      tags: ['x'],
    });
    const [claimed] = await queue.claim(claimOf(10, NOW + 1));
    expect(claimed).toMatchObject({ id: job.id, payload: job.payload, maxAttempts: 3, timeoutMs: 500, attempt: 1 });
    expect(await queue.getJob(job.id)).toMatchObject({ status: 'active', attempt: 1, startedAt: NOW + 1 });
  });

  it('settles succeeded once; a stale or repeated settlement is lost', async () => {
    const job = newJob('acme', 5, 'hello');
    await queue.enqueue([job], NOW);
    const [claimed] = await queue.claim(claimOf(1));
    if (claimed === undefined) throw new Error('nothing claimed');
    const token = claimed.lease.token;
    expect(
      await queue.settle([{ jobId: job.id, token: `${token}x`, outcome: 'succeeded', result: 1 }], NOW + 5),
    ).toEqual(['lost']);
    expect(await queue.settle([{ jobId: job.id, token, outcome: 'succeeded', result: { ok: true } }], NOW + 5)).toEqual(
      ['ok'],
    );
    expect(await queue.settle([{ jobId: job.id, token, outcome: 'succeeded', result: 2 }], NOW + 6)).toEqual(['lost']);
    expect(await queue.getJob(job.id)).toMatchObject({
      status: 'succeeded',
      attempt: 1,
      result: { ok: true },
      payload: 'hello',
      startedAt: NOW,
      finishedAt: NOW + 5,
    });
    expect(await queue.claim(claimOf(10))).toEqual([]);
  });

  it('returns the kept job for a repeated idempotency key and refuses a taken id', async () => {
    const first = { ...newJob('acme', 5), idempotencyKey: 'k1' };
    const again = { ...newJob('acme', 5), idempotencyKey: 'k1' };
    expect(await queue.enqueue([first], NOW)).toEqual([{ id: first.id, status: 'waiting', created: true }]);
    expect(await queue.enqueue([again], NOW)).toEqual([{ id: first.id, status: 'waiting', created: false }]);
    await expect(
      queue.enqueue([newJob('bolt', 1), { ...first, idempotencyKey: undefined }], NOW),
    ).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(first.id) });
    await expect(queue.enqueue([{ ...newJob('bolt', 1), tenant: 'acme' }], NOW)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    expect(await queue.getJob('nobody:1')).toBeUndefined();
  });

  it('claims only the tenants asked for', async () => {
    await queue.enqueue([newJob('acme', 5), newJob('bolt', 9), newJob('bolt', 5)], NOW);
    const claimed = await queue.claim({ ...claimOf(10), tenants: ['acme'] });
    expect(claimed.map((job) => job.tenant)).toEqual(['acme']);
  });
});

describe('redis store: a claim asked again', () => {
  it('answers the same jobs to the same claim id, and drops the memo when told', async () => {
    const prefix = harness.prefix();
    const store = createRedisStore({ redis, prefix });
    const jobs = [newJob('acme', 5), newJob('acme', 5), newJob('acme', 5)];
    await store.enqueue(jobs, NOW);
    const scripts = new Scripts(redis);
    const keys = tenantKeys(prefix, 'acme').declared;
    const claim = (id: string, forget = '') =>
      scripts.call(redis, 'claim', keys, [NOW, 5, 2, 'w1', NOW + 30_000, id, forget, '', '', '', '', 0]) as Promise<
        unknown[]
      >;
    // { ready bands, due, freed holds, live, left, limited, parked, read, offered (0), then id, record … }
    const idsOf = (reply: unknown[]) => reply.slice(9).filter((_, k) => k % 2 === 0);
    // As if the answer to c1 had been lost on the way: the worker asks again with c1.
    const first = await claim('c1');
    expect(idsOf(first)).toHaveLength(2);
    await store.cancel(`acme:${String(idsOf(first)[1])}`, NOW + 1);
    const again = await claim('c1');
    expect(idsOf(again)).toEqual([idsOf(first)[0]]);
    // A new claim id claims anew, and forgets c1's memo.
    const next = await claim('c2', 'c1');
    expect(idsOf(next)).toEqual([localId('acme', jobs[2]?.id ?? '')]);
    expect(await redis.hkeys(`${prefix}:{t:acme}:q`)).toEqual(['c2']);
    // A claimer that died leaves its memo: retention sweeps it once it is 10 minutes old.
    const fence = await store.acquireLeadership('c', 60_000, NOW);
    if (fence === undefined) throw new Error('no leadership');
    const policy = { maxAgeMs: Number.POSITIVE_INFINITY, maxCount: 1000 };
    await store.applyRetention(fence, policy, NOW + 60_000);
    expect(await redis.hkeys(`${prefix}:{t:acme}:q`)).toEqual(['c2']);
    await store.applyRetention(fence, policy, NOW + 11 * 60_000);
    expect(await redis.hkeys(`${prefix}:{t:acme}:q`)).toEqual([]);
  });
});

describe('redis store: band index', () => {
  it('drops a tenant whose band ran dry and takes it back on the next enqueue', async () => {
    const prefix = harness.prefix();
    const q = new RedisStore({ redis, prefix });
    await q.enqueue([newJob('acme', 4), newJob('bolt', 4)], NOW);
    expect(await redis.zrange(`${prefix}:ready`, 0, -1)).toEqual(['4/acme', '4/bolt']);
    expect(await q.claim(claimOf(1))).toHaveLength(1);
    expect(await q.claim(claimOf(1))).toHaveLength(1);
    expect(await q.claim(claimOf(5))).toEqual([]);
    expect(await redis.zrange(`${prefix}:ready`, 0, -1)).toEqual([]);
    const later = newJob('acme', 4);
    await q.enqueue([later], NOW);
    expect((await q.claim(claimOf(5))).map((job) => job.id)).toEqual([later.id]);
  });

  it('finds a tenant missing from the band index again when an idle claimer repairs it', async () => {
    const prefix = harness.prefix();
    const q = new RedisStore({ redis, prefix });
    const job = newJob('acme', 3);
    await q.enqueue([job], NOW);
    // As if the enqueuing client had died between its script and the index update.
    await redis.zrem(`${prefix}:ready`, '3/acme');
    // The idle claim finds nothing, and rebuilds the indexes from the counts.
    expect(await q.claim(claimOf(5))).toEqual([]);
    expect(await redis.zrange(`${prefix}:ready`, 0, -1)).toEqual(['3/acme']);
    expect((await q.claim(claimOf(5))).map((claimed) => claimed.id)).toEqual([job.id]);
  });
});

describe('redis store: cost per job', () => {
  it('spends well under one round trip and a few commands per job', async () => {
    // CADENZA_BENCH_JOBS=30000 for steadier CPU figures (used_cpu has coarse resolution).
    const JOBS = Number(process.env.CADENZA_BENCH_JOBS ?? 3000);
    const tenants = ['acme', 'bolt', 'cove'];
    const jobs = Array.from({ length: JOBS }, (_, k) => newJob(tenants[k % 3] ?? 'acme', 5, 'x'.repeat(100)));
    const trips = await countRoundTrips(redis);
    await redis.config('RESETSTAT');
    let cpu = await serverCpu(redis);
    trips.reset();
    for (let k = 0; k < jobs.length; k += 1000) await queue.enqueue(jobs.slice(k, k + 1000), NOW);
    const enqueueTrips = trips.count();
    const enqueueCpu = (await serverCpu(redis)) - cpu;
    const enqueueStats = await commandStats(redis);

    await redis.config('RESETSTAT');
    cpu = await serverCpu(redis);
    trips.reset();
    let settled = 0;
    for (;;) {
      const batch = await queue.claim(claimOf(100));
      if (batch.length === 0) break;
      const states = await queue.settle(
        batch.map((job) => ({ jobId: job.id, token: job.lease.token, outcome: 'succeeded' as const, result: null })),
        NOW,
      );
      settled += states.filter((state) => state === 'ok').length;
    }
    const workTrips = trips.count();
    const workCpu = (await serverCpu(redis)) - cpu;
    const workStats = await commandStats(redis);
    expect(settled).toBe(JOBS);

    // Commands run inside a script are counted in commandstats too, and a script's time
    // includes theirs: so "calls" are what a client sends (scripts and plain commands),
    // "inScript" what the scripts run, and CPU is the server's own CPU time.
    const summary = (stats: Map<string, { calls: number; usec: number }>, cpuSeconds: number) => {
      let calls = 0;
      let inScript = 0;
      for (const [name, stat] of stats) {
        if (name.startsWith('config') || name === 'info') continue;
        if (CLIENT_COMMANDS.has(name)) calls += stat.calls;
        else inScript += stat.calls;
      }
      return { callsPerJob: calls / JOBS, inScriptPerJob: inScript / JOBS, cpuUsecPerJob: (cpuSeconds * 1e6) / JOBS };
    };
    const report = {
      enqueue: { roundTripsPerJob: enqueueTrips / JOBS, ...summary(enqueueStats, enqueueCpu) },
      claimAndSettle: { roundTripsPerJob: workTrips / JOBS, ...summary(workStats, workCpu) },
    };
    console.warn(JSON.stringify(report, null, 1));
    console.warn(
      'µs per job by command (claim+settle):',
      JSON.stringify([...workStats].map(([n, s]) => [n, s.calls, (s.usec / JOBS).toFixed(2)])),
    );
    expect(report.enqueue.roundTripsPerJob).toBeLessThan(0.01);
    expect(report.claimAndSettle.roundTripsPerJob).toBeLessThan(0.1);
  });

  it('measures memory per waiting job with a 100-byte payload', async () => {
    const before = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    const count = 20_000;
    for (let k = 0; k < count; k += 1000) {
      await queue.enqueue(
        // Real generated ids (tenant, time, 64 random bits): their length counts here.
        Array.from({ length: 1000 }, () => ({ ...newJob('memo', 5, 'y'.repeat(98)), id: newJobId('memo', NOW + k) })),
        NOW,
      );
    }
    const after = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    const perJob = (after - before) / count;
    console.warn(`memory per waiting job: ${perJob.toFixed(0)} bytes`);
    expect(perJob).toBeGreaterThan(0);
  });
});
