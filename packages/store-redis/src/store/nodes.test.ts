import type { NodeReportInput } from '@cadenza/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodesKey } from '../keys.js';
import { type RedisHarness, startRedis } from '../testing/redis-server.js';
import { FORGET_AFTER_MS } from './nodes.js';
import { createRedisStore, type RedisStore } from './redis-store.js';

// The registry of live processes on a real redis-server; each test under its own prefix.
let redis: RedisHarness;
const stores: RedisStore[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});
afterAll(async () => {
  await redis.stop();
});

function newStore(): { store: RedisStore; prefix: string } {
  const prefix = redis.prefix();
  const store = createRedisStore({ url: redis.url, prefix });
  stores.push(store);
  return { store, prefix };
}

const T0 = Date.parse('2026-01-01T00:00:00Z');
const worker: NodeReportInput = {
  id: 'w1',
  role: 'worker',
  startedAt: T0,
  reportEveryMs: 2000,
  active: 3,
  concurrency: 10,
};
const coordinator: NodeReportInput = {
  id: 'c1',
  role: 'coordinator',
  startedAt: T0,
  reportEveryMs: 2000,
  leading: true,
};

describe('redis store: live processes', () => {
  it('lists each process as it last reported, by id, stamped with the time of that report', async () => {
    const { store } = newStore();
    await store.reportNode(worker, T0);
    await store.reportNode(coordinator, T0 + 100);
    await store.reportNode({ ...worker, active: 5 }, T0 + 200);
    expect(await store.listNodes(T0 + 300)).toEqual([
      { ...coordinator, lastSeenAt: T0 + 100 },
      { ...worker, active: 5, lastSeenAt: T0 + 200 },
    ]);
  });

  it('leaves out a process silent for more than three of its own report intervals', async () => {
    const { store } = newStore();
    await store.reportNode(worker, T0);
    await store.reportNode({ ...coordinator, reportEveryMs: 100 }, T0);
    expect((await store.listNodes(T0 + 300)).map((n) => n.id)).toEqual(['c1', 'w1']);
    expect((await store.listNodes(T0 + 301)).map((n) => n.id)).toEqual(['w1']);
    expect(await store.listNodes(T0 + 6001)).toEqual([]);
    // Missing from the list, but kept a while: a process that reports again is back.
    await store.reportNode(worker, T0 + 7000);
    expect((await store.listNodes(T0 + 7000)).map((n) => n.id)).toEqual(['w1']);
  });

  it('deletes reports older than ten minutes, and forgets a process at once when asked', async () => {
    const { store, prefix } = newStore();
    const client = redis.client();
    await store.reportNode(worker, T0);
    await store.reportNode(coordinator, T0 + FORGET_AFTER_MS);
    await store.listNodes(T0 + FORGET_AFTER_MS);
    expect(await client.hkeys(nodesKey(prefix))).toEqual(expect.arrayContaining(['w1', 'c1']));
    await store.listNodes(T0 + FORGET_AFTER_MS + 1);
    expect(await client.hkeys(nodesKey(prefix))).toEqual(['c1']);
    await store.forgetNode('c1');
    expect(await client.exists(nodesKey(prefix))).toBe(0);
    expect(await store.listNodes(T0 + FORGET_AFTER_MS + 2)).toEqual([]);
  });

  it('refuses a report without an id or an interval', async () => {
    const { store } = newStore();
    await expect(store.reportNode({ ...worker, id: '' }, T0)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(store.reportNode({ ...worker, reportEveryMs: 0 }, T0)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
