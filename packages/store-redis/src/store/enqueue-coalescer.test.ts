import type { NewJob } from '@cadenza/core';
import { newJobId } from '@cadenza/core/store-kit';
import { newJob } from '@cadenza/core/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisHarness, startRedis } from '../testing/redis-server.js';
import { createRedisStore } from './redis-store.js';

const NOW = 1_700_000_000_000;
let harness: RedisHarness;
let redis: Redis;

beforeAll(async () => {
  harness = await startRedis();
  redis = harness.client();
});
afterAll(async () => {
  await harness.stop();
});

/** Script calls made since the last reset (FCALL or FCALL_RO). */
async function scriptCalls(): Promise<number> {
  const stats = await redis.info('commandstats');
  let calls = 0;
  for (const match of stats.matchAll(/^cmdstat_(?:fcall|fcall_ro):calls=(\d+)/gm)) calls += Number(match[1]);
  return calls;
}

describe('enqueue calls made together', () => {
  it('go to Redis as one script call, each caller getting its own results', async () => {
    const store = createRedisStore({ redis, prefix: harness.prefix() });
    const jobs = Array.from({ length: 50 }, () => newJob({ tenant: 'acme' }, NOW));
    await redis.config('RESETSTAT');
    const results = await Promise.all(jobs.map((job) => store.enqueue([job], NOW)));
    expect(await scriptCalls()).toBe(1);
    expect(results.map(([result]) => result?.id)).toEqual(jobs.map((job) => job.id));
    expect(results.every(([result]) => result?.created === true && result.status === 'waiting')).toBe(true);
  });

  it('see each other as if sent one after another: a repeated key finds the first job', async () => {
    const store = createRedisStore({ redis, prefix: harness.prefix() });
    const first = newJob({ idempotencyKey: 'once' }, NOW);
    const second = newJob({ idempotencyKey: 'once' }, NOW);
    const [[a], [b]] = await Promise.all([store.enqueue([first], NOW), store.enqueue([second], NOW)]);
    expect(a).toEqual({ id: first.id, status: 'waiting', created: true });
    expect(b).toEqual({ id: first.id, status: 'waiting', created: false });
  });

  it('refuse only the call whose job is refused, worded for its own batch', async () => {
    const store = createRedisStore({ redis, prefix: harness.prefix() });
    const taken = newJob({}, NOW);
    await store.enqueue([taken], NOW);
    const good: NewJob[] = Array.from({ length: 5 }, () => newJob({}, NOW));
    const bad: NewJob = { ...newJob({}, NOW), dependsOn: [newJobId('acme', NOW)] };
    const outcomes = await Promise.allSettled([
      ...good.map((job) => store.enqueue([job], NOW)),
      store.enqueue([{ ...taken }], NOW),
      store.enqueue([bad], NOW),
    ]);
    expect(outcomes.slice(0, 5).every((o) => o.status === 'fulfilled')).toBe(true);
    expect(outcomes[5]).toMatchObject({ status: 'rejected', reason: { code: 'conflict', field: 'id' } });
    expect(outcomes[6]).toMatchObject({ status: 'rejected', reason: { code: 'invalid_argument' } });
    expect(String((outcomes[6] as PromiseRejectedResult).reason.message)).toMatch(/^dependsOn/);
    const stored = await store.getJobs(good.map((job) => job.id));
    expect(stored.every((job) => job?.status === 'waiting')).toBe(true);
    expect(await store.getJob(bad.id)).toBeUndefined();
  });
});

describe('enqueue calls of several tenants made together', () => {
  it('land each exactly once when one is refused: nothing of the refused call is written', async () => {
    const prefix = harness.prefix();
    const store = createRedisStore({ redis, prefix });
    const taken = newJob({ tenant: 'beta' }, NOW);
    await store.enqueue([taken], NOW);
    const tenants = ['acme', 'beta', 'gamma'];
    const good = Array.from({ length: 30 }, (_, i) => newJob({ tenant: tenants[i % 3] }, NOW));
    const bad = [newJob({ tenant: 'gamma' }, NOW), { ...taken }];
    await redis.config('RESETSTAT');
    const outcomes = await Promise.allSettled([
      ...good.map((job) => store.enqueue([job], NOW)),
      store.enqueue(bad, NOW),
    ]);
    // One merged call, refused whole; then each call on its own.
    expect(await scriptCalls()).toBe(1 + good.length + 1);
    expect(outcomes.slice(0, good.length).every((o) => o.status === 'fulfilled' && o.value[0]?.created)).toBe(true);
    expect(outcomes[good.length]).toMatchObject({
      status: 'rejected',
      reason: { code: 'conflict', field: 'jobs.1.id' },
    });
    expect(await store.getJob(bad[0]?.id ?? '')).toBeUndefined();
    const depths = await store.depths();
    expect(depths.map((d) => [d.tenant, d.count])).toEqual([
      ['acme', 10],
      ['beta', 11],
      ['gamma', 10],
    ]);
  });

  it('merge at most a batch’s worth of jobs into one script call', async () => {
    const store = createRedisStore({ redis, prefix: harness.prefix() });
    const calls = Array.from({ length: 3 }, () => Array.from({ length: 4_000 }, () => newJob({}, NOW)));
    await redis.config('RESETSTAT');
    const results = await Promise.all(calls.map((jobs) => store.enqueue(jobs, NOW)));
    expect(await scriptCalls()).toBe(2);
    expect(results.flat().every((r) => r.created)).toBe(true);
  });
});
