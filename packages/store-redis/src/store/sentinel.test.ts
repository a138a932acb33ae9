import { CadenzaError, type EnqueueResult, type Store } from '@cadenza/core';
import { allJobs, newJob, runStoreConformance } from '@cadenza/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SentinelHarness, startRedisSentinel } from '../testing/redis-sentinel.js';
import { createRedisStore } from './redis-store.js';

// Redis behind Sentinel, for real: a primary, its replicas and three sentinels, found by
// the store through the sentinels alone (it is never told the primary's address).

// The store reads no clock: every call is given this fixed time.
const T0 = Date.UTC(2026, 0, 1);

// One replica: the conformance suite and the durable write that asks for more than that.
let single: SentinelHarness;
beforeAll(async () => {
  single = await startRedisSentinel({ replicas: 1 });
}, 60_000);
afterAll(async () => {
  await single?.stop();
});

runStoreConformance('redis behind sentinel', {
  keepsLeaderTicks: true,
  create: async (options) =>
    createRedisStore({
      sentinel: { urls: single.sentinelUrls, name: single.name },
      prefix: single.prefix(),
      tenantWeights: options?.tenantWeights,
      tenantLimits: options?.tenantLimits,
      resources: options?.resources,
      jobConcurrency: options?.jobConcurrency,
    }),
});

describe('durable writes behind sentinel', () => {
  it('asking for more replicas than there are fails the enqueue with unavailable, saying how many confirmed', async () => {
    const prefix = single.prefix();
    const sentinel = { urls: single.sentinelUrls, name: single.name };
    const strict = createRedisStore({ sentinel, prefix, durableWrites: 2, durableWritesTimeoutMs: 300 });
    const enough = createRedisStore({ sentinel, prefix, durableWrites: 1 });
    try {
      const job = newJob({ tenant: 'acme', idempotencyKey: 'only-one-replica' });
      const refused = await strict.enqueue([job], T0).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(CadenzaError);
      expect((refused as CadenzaError).code).toBe('unavailable');
      expect((refused as CadenzaError).message).toMatch(/\b1 of 2 replicas confirmed\b/);

      // The write is on the primary, unacknowledged: the same key, retried where one
      // replica is enough, finds it rather than adding a second job.
      const [retried] = await enough.enqueue([{ ...job, id: newJob({ tenant: 'acme' }).id }], T0);
      expect(retried).toEqual({ id: job.id, status: 'waiting', created: false });
    } finally {
      await Promise.all([strict.close(), enough.close()]);
    }
  });
});

describe('a failover under load', () => {
  // Two replicas, so that once one is promoted the other still confirms durable writes.
  let topology: SentinelHarness;
  let store: Store | undefined;
  beforeAll(async () => {
    topology = await startRedisSentinel({ replicas: 2 });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await topology?.stop();
  });

  it('keeps every acknowledged durable enqueue across a SIGKILL of the primary, each job once', async () => {
    const BATCHES = 60;
    const BATCH = 5;
    // The kill is started at batch 20 and lands while batches go on; by batch 40 it has.
    const KILL_AT = 20;
    const KILLED_BY = 40;
    const COMMAND_TIMEOUT_MS = 2000;
    const tenant = 'acme';
    const opened = createRedisStore({
      sentinel: { urls: topology.sentinelUrls, name: topology.name },
      prefix: topology.prefix(),
      durableWrites: 1,
      // A call cut off by the kill fails within this instead of the default 10 s.
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
    });
    store = opened;
    const firstPrimary = await topology.primaryPort();

    const acknowledged = new Map<string, EnqueueResult>();
    const failures: unknown[] = [];
    let killed: Promise<number> | undefined;
    for (let b = 0; b < BATCHES; b++) {
      const keys = Array.from({ length: BATCH }, (_, i) => `k-${b * BATCH + i}`);
      if (b === KILL_AT) killed = topology.killPrimary();
      if (b === KILLED_BY) await killed;
      // A failed batch is retried with the same keys, as a client retries: what was written
      // but not confirmed is found by its key rather than written twice. Each try mints new
      // ids, as the engine does for every call (an id the store holds already is a conflict).
      for (let tries = 0; ; tries++) {
        const jobs = keys.map((key) => newJob({ tenant, idempotencyKey: key, payload: { key } }));
        try {
          const results = await opened.enqueue(jobs, T0);
          results.forEach((result, i) => {
            acknowledged.set(keys[i] ?? '', result);
          });
          break;
        } catch (error) {
          failures.push(error);
          expect(error).toBeInstanceOf(CadenzaError);
          expect((error as CadenzaError).code).toBe('unavailable');
          // 300 tries of a call that fails fast (and a short pause) outlast any failover.
          if (tries >= 300) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    }
    expect(await killed).toBe(firstPrimary);
    const promoted = await topology.waitForFailover(firstPrimary);
    expect(promoted).not.toBe(firstPrimary);
    expect(await topology.primaryPort()).toBe(promoted);
    // The kill was felt: some calls failed in between, all of them `unavailable`. A call
    // that hung would hold the loop past the test's own timeout and fail it.
    expect(failures.length).toBeGreaterThan(0);

    // Every key acknowledged, with one id each, and every id a job on the new primary.
    expect(acknowledged.size).toBe(BATCHES * BATCH);
    const ids = [...acknowledged.values()].map((result) => result.id);
    expect(new Set(ids).size).toBe(ids.length);
    const jobs = await opened.getJobs(ids);
    const missing = ids.filter((_, i) => jobs[i] === undefined);
    expect(missing).toEqual([]);
    for (const [key, result] of acknowledged) {
      const job = jobs[ids.indexOf(result.id)];
      expect(job?.idempotencyKey).toBe(key);
    }

    // And nothing else: the tenant holds exactly one job per key, none written twice.
    const listed = (await allJobs(opened, { tenant })).map((job) => job.idempotencyKey);
    expect(listed.length).toBe(BATCHES * BATCH);
    expect(new Set(listed).size).toBe(BATCHES * BATCH);
  }, 90_000);
});

describe('a claim cut off by the failover', () => {
  // Seen in test/process/redis-sentinel.test.ts: a job the worker's claim leased on the old
  // primary (and replicated) never ran; its lease ran out 30 s later and, with one attempt,
  // it failed with lease_expired. The worker's claim had failed with a raw ioredis error
  // (MaxRetriesPerRequestError), not the `unavailable` of a lost claim answer. A claim whose
  // band runs dry sends a second round trip after its claim scripts (dropEmptied: ZREM and
  // HMGET); the connection lost between the two loses the leased jobs, whose answer had come.
  // Here that connection loss is made to happen exactly there, on the sentinel's primary.
  it('hands out, then or on the next call, a job leased by a claim that failed after its claim scripts', async () => {
    const client = new Redis({
      sentinels: single.sentinelUrls.map((url) => ({ host: '127.0.0.1', port: Number(new URL(url).port) })),
      name: single.name,
      maxRetriesPerRequest: 1,
    });
    client.on('error', () => {});
    // The next pipeline holding a ZREM fails as a dropped connection fails it.
    let armed = false;
    const pipeline = client.pipeline.bind(client);
    client.pipeline = ((...args: Parameters<typeof pipeline>) => {
      const made = pipeline(...args);
      const exec = made.exec.bind(made);
      made.exec = (async (...rest: Parameters<typeof exec>) => {
        const queued = (made as unknown as { _queue: { name: string }[] })._queue;
        if (armed && queued.some((command) => command.name === 'zrem')) {
          armed = false;
          throw new Error('Connection is closed.');
        }
        return exec(...rest);
      }) as typeof made.exec;
      return made;
    }) as typeof client.pipeline;
    const store = createRedisStore({ redis: client, prefix: single.prefix() });
    try {
      const [enqueued] = await store.enqueue([newJob({ tenant: 'acme' })], T0);
      const request = { workerId: 'w1', limit: 10, leaseMs: 30_000, now: T0 };
      armed = true;
      const first = await store.claim(request).catch(() => []);
      expect(armed).toBe(false);
      const second = await store.claim({ ...request, now: T0 + 1 });
      // Leased to w1 by the first call: w1 must be given it by one of the two.
      expect((await store.getJob(enqueued?.id ?? ''))?.lease?.workerId).toBe('w1');
      expect([...first, ...second].map((job) => job.id)).toEqual([enqueued?.id]);
    } finally {
      await store.close();
      client.disconnect();
    }
  });
});
