// The coordinator lock over independent Redis instances (Redlock, `lockUrls`): the whole
// conformance suite holds with it, and a majority decides — one instance of three down
// changes nothing, two down and nobody can lead or stay leading.
import { runStoreConformance } from '@cadenza/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisHarness, startRedis } from '../testing/redis-server.js';
import { createRedisStore, type RedisStore } from './redis-store.js';

const external = Boolean(process.env.CADENZA_TEST_REDIS);
const T0 = Date.UTC(2026, 0, 1);
const TTL = 10_000;

let data: RedisHarness;
let locks: RedisHarness[] = [];
const clients: Redis[] = [];

/** A client of a lock instance that one test stops: its reconnect errors are expected. */
function client(h: RedisHarness | undefined): Redis {
  const redis = new Redis(h?.url ?? '', { maxRetriesPerRequest: 0 });
  redis.on('error', () => undefined);
  clients.push(redis);
  return redis;
}
beforeAll(async () => {
  data = await startRedis();
  // Independent instances: three servers of their own (one external server cannot be three).
  locks = external ? [] : await Promise.all([startRedis(), startRedis(), startRedis()]);
});
afterAll(async () => {
  for (const redis of clients) redis.disconnect();
  await Promise.all([data, ...locks].map((h) => h?.stop()));
});

function store(prefix = data.prefix()): RedisStore {
  return createRedisStore({ url: data.url, prefix, lockUrls: locks.map((l) => l.url) });
}

describe.skipIf(external)('redlock', () => {
  runStoreConformance('redis with three lock instances', {
    keepsLeaderTicks: true,
    create: async (options) =>
      createRedisStore({
        url: data.url,
        prefix: data.prefix(),
        tenantWeights: options?.tenantWeights,
        tenantLimits: options?.tenantLimits,
        resources: options?.resources,
        jobConcurrency: options?.jobConcurrency,
        lockUrls: locks.map((l) => l.url),
      }),
  });

  it('writes node and epoch into the lock on every instance; the epoch comes from the data Redis', async () => {
    const prefix = data.prefix();
    const s = store(prefix);
    try {
      const lease = await s.acquireLeadership('c1', TTL, T0);
      expect(lease).toMatchObject({ nodeId: 'c1', expiresAt: T0 + TTL });
      expect(await client(data).hget(`${prefix}:leader`, 'epoch')).toBe(String(lease?.epoch));
      for (const lock of locks) {
        const held = await client(lock).hgetall(`${prefix}:leader-lock`);
        expect(held).toEqual({ node: 'c1', epoch: String(lease?.epoch), expiresAt: String(T0 + TTL) });
        // The lock also lapses on the instance's own (real) clock.
        expect(await client(lock).pttl(`${prefix}:leader-lock`)).toBeGreaterThan(0);
      }
      await s.releaseLeadership({ nodeId: 'c1', epoch: lease?.epoch ?? 0 });
      for (const lock of locks) expect(await client(lock).exists(`${prefix}:leader-lock`)).toBe(0);
    } finally {
      await s.close();
    }
  });

  it('a lock held on a minority of instances does not stop another node from leading', async () => {
    const prefix = data.prefix();
    const s = store(prefix);
    try {
      // c9 holds the lock on one instance only (say it crashed half-way through acquiring).
      const [first] = locks;
      await client(first).hset(`${prefix}:leader-lock`, { node: 'c9', epoch: '0', expiresAt: T0 + TTL });
      expect(await s.acquireLeadership('c1', TTL, T0)).toMatchObject({ nodeId: 'c1' });
    } finally {
      await s.close();
    }
  });

  it('a lock held on a majority keeps everyone else out, and the loser undoes its minority', async () => {
    const prefix = data.prefix();
    const s = store(prefix);
    try {
      const [first, second, third] = locks;
      for (const lock of [first, second]) {
        await client(lock).hset(`${prefix}:leader-lock`, { node: 'c9', epoch: '7', expiresAt: T0 + TTL });
      }
      expect(await s.acquireLeadership('c1', TTL, T0)).toBeUndefined();
      expect(await client(third).exists(`${prefix}:leader-lock`)).toBe(0);
      expect(await s.getLeadership(T0)).toBeUndefined();
    } finally {
      await s.close();
    }
  });

  it('leads with one instance of three down; with two down it can neither lead nor renew', async () => {
    const prefix = data.prefix();
    const s = store(prefix);
    const [first, second] = locks;
    try {
      // SHUTDOWN stops an instance for good; restart() in `finally` starts it again.
      const down = async (h: RedisHarness | undefined) => {
        await client(h)
          .call('SHUTDOWN', 'NOSAVE')
          .catch(() => undefined);
      };
      await down(first);
      const lease = await s.acquireLeadership('c1', TTL, T0);
      expect(lease).toMatchObject({ nodeId: 'c1' });
      const fence = { nodeId: 'c1', epoch: lease?.epoch ?? 0 };
      expect(await s.renewLeadership(fence, TTL, T0 + 1000)).toMatchObject(fence);
      await down(second);
      expect(await s.renewLeadership(fence, TTL, T0 + 2000)).toBeUndefined();
      expect(await s.acquireLeadership('c2', TTL, T0 + 3 * TTL)).toBeUndefined();
    } finally {
      await s.close();
      // Back up for any later test of the file.
      await first?.restart();
      await second?.restart();
    }
  });
});
