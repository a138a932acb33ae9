// Round trips a worker spends per job on a real redis-server, counted as the writes of its
// sockets to Redis (a pipeline is one write). Asserted as counts, not time: what a job
// costs in round trips does not depend on how busy the machine is.
import net from 'node:net';
import { type NewJob, realClock } from '@cadenza/core';
import { newJob } from '@cadenza/core/testing';
import { createRedisStore, type RedisStore } from '@cadenza/store-redis';
import { type RedisHarness, startRedis } from '@cadenza/store-redis/testing';
import { Worker } from '@cadenza/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const JOBS = 3_000;
let redis: RedisHarness;
const opened: RedisStore[] = [];

/** Counts every socket write to `port` in this process from now on. */
function countWrites(port: number): { readonly writes: number; stop(): void } {
  const write = net.Socket.prototype.write;
  const counter = {
    writes: 0,
    stop() {
      net.Socket.prototype.write = write;
    },
  };
  net.Socket.prototype.write = function counted(this: net.Socket, ...args: unknown[]) {
    if (this.remotePort === port) counter.writes++;
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof write;
  return counter;
}

/** Enqueues JOBS no-op jobs, runs them through one worker, and answers its writes per job. */
async function writesPerJob(concurrency: number): Promise<number> {
  const prefix = redis.prefix();
  const producer = createRedisStore({ url: redis.url, prefix });
  const store = createRedisStore({ url: redis.url, prefix });
  opened.push(producer, store);
  const now = realClock.now();
  const jobs: NewJob[] = Array.from({ length: JOBS }, () =>
    newJob({ tenant: 'default', name: 'noop', payload: { n: 1 } }, now),
  );
  for (let i = 0; i < JOBS; i += 1_000) await producer.enqueue(jobs.slice(i, i + 1_000), now);
  const worker = new Worker({ store, id: 'w1', concurrency, handlers: { noop: () => undefined } });
  let succeeded = 0;
  const done = new Promise<void>((resolve) =>
    worker.on('succeeded', () => {
      if (++succeeded === JOBS) resolve();
    }),
  );
  const counter = countWrites(Number(new URL(redis.url).port));
  try {
    await worker.start();
    await done;
  } finally {
    counter.stop();
    await worker.stop();
  }
  expect(await producer.depths()).toContainEqual(expect.objectContaining({ status: 'succeeded', count: JOBS }));
  return counter.writes / JOBS;
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const store of opened) await store.close();
  await redis.stop();
});

describe('round trips per job, one worker on Redis', () => {
  // Claiming one job per free slot cost concurrency 1 about two round trips a job (a claim
  // and a settlement each); quick jobs are now claimed a batch ahead (claim-loop.ts, notePace).
  it('concurrency 1: quick jobs share round trips (at most one in five jobs pays one)', async () => {
    expect(await writesPerJob(1)).toBeLessThanOrEqual(0.2);
  });

  it('concurrency 100: at most one round trip in twenty jobs', async () => {
    expect(await writesPerJob(100)).toBeLessThanOrEqual(0.05);
  });
});
