// `cadenza_jobs_enqueued_total` is counted at the store, once per job created, whatever path
// created it. The store here is composed as every cadenza process composes its own
// (packages/cli/src/run-process.ts: timed into the process's metrics, then telling the event
// log), on a real redis-server; then jobs are created through each path a process offers —
// a client on that store, an admin verb's plain `store.enqueue` (what `cadenza enqueue`
// does), the HTTP API, a schedule trigger — and the counter must show each job exactly once.
import { CadenzaClient } from '@cadenza/client';
import { MemoryEventLog, prepareJob, realClock, type Store, silentLogger, withEvents } from '@cadenza/core';
import { createServer, instrumentStore, ProcessMetrics } from '@cadenza/server';
import { createRedisStore, type RedisStore } from '@cadenza/store-redis';
import { type RedisHarness, startRedis } from '@cadenza/store-redis/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sumOf } from './prometheus-text.js';

let redis: RedisHarness;
let opened: RedisStore;
let metrics: ProcessMetrics;
let store: Store;
let app: ReturnType<typeof createServer>;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

beforeEach(() => {
  opened = createRedisStore({ url: redis.url, prefix: redis.prefix() });
  const log = silentLogger();
  metrics = new ProcessMetrics({ log, labels: { node: 'n1' } });
  store = withEvents(instrumentStore(opened, metrics), new MemoryEventLog());
  app = createServer({ store, log, metrics, node: { id: 'n1', role: 'server' } });
});
afterEach(async () => {
  await app.close();
  await opened.close();
});

async function enqueued(labels: Record<string, string> = {}): Promise<number> {
  return sumOf(await metrics.registry.metrics(), 'cadenza_jobs_enqueued_total', labels);
}

describe('cadenza_jobs_enqueued_total counts each created job once, whatever path created it', () => {
  it('a client on the process store: each job once, a repeated idempotency key not again', async () => {
    const client = new CadenzaClient({ store });
    await client.enqueue({ name: 'mail', tenant: 'acme' });
    await client.enqueueBatch([{ name: 'mail' }, { name: 'report' }, { name: 'mail', idempotencyKey: 'k' }]);
    const again = await client.enqueue({ name: 'mail', idempotencyKey: 'k' });
    expect(again.created).toBe(false);
    expect(await enqueued({ name: 'mail', tenant: 'acme' })).toBe(1);
    expect(await enqueued({ name: 'mail', tenant: 'default' })).toBe(2);
    expect(await enqueued({ name: 'report', tenant: 'default' })).toBe(1);
    expect(await enqueued()).toBe(4);
  });

  it('an admin verb (a plain store.enqueue, as `cadenza enqueue` does): once', async () => {
    const now = realClock.now();
    const [result] = await store.enqueue([prepareJob({ name: 'cleanup', tenant: 'ops' }, now)], now);
    expect(result?.created).toBe(true);
    expect(await enqueued({ name: 'cleanup', tenant: 'ops' })).toBe(1);
    expect(await enqueued()).toBe(1);
  });

  it('the HTTP API and a schedule trigger: once each, not again by the route', async () => {
    const single = await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'mail' } });
    expect(single.statusCode).toBe(201);
    const batch = await app.inject({
      method: 'POST',
      url: '/v1/jobs/batch',
      payload: { jobs: [{ name: 'mail' }, { name: 'report', tenant: 'acme' }] },
    });
    expect(batch.statusCode).toBe(201);
    const put = await app.inject({
      method: 'PUT',
      url: '/v1/schedules/digest',
      payload: { name: 'digest', manual: true },
    });
    expect(put.statusCode).toBe(201);
    const trigger = await app.inject({ method: 'POST', url: '/v1/schedules/digest/trigger' });
    expect(trigger.statusCode).toBeLessThan(300);
    const client = new CadenzaClient({ store });
    await client.triggerSchedule('digest');
    expect(await enqueued({ name: 'mail' })).toBe(2);
    expect(await enqueued({ name: 'report', tenant: 'acme' })).toBe(1);
    expect(await enqueued({ name: 'digest', tenant: 'default' })).toBe(2);
    expect(await enqueued()).toBe(5);
  });

  it('a store call that fails counts nothing', async () => {
    const now = realClock.now();
    await opened.close();
    await expect(store.enqueue([prepareJob({ name: 'mail' }, now)], now)).rejects.toThrow();
    expect(await enqueued()).toBe(0);
    opened = createRedisStore({ url: redis.url, prefix: redis.prefix() });
  });
});
