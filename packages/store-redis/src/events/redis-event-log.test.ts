import type { NewEvent } from '@cadenza/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../store/redis-store.js';
import { type RedisHarness, startRedis } from '../testing/redis-server.js';

let redis: RedisHarness;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

const events = (count: number, from: number): NewEvent[] =>
  Array.from({ length: count }, (_, i) => ({ type: 'enqueued', at: from + i }));

describe('the Redis event log', () => {
  it('keeps about the last maxEvents events, however many came per entry', async () => {
    const store = createRedisStore({ url: redis.url, prefix: redis.prefix() });
    const log = store.eventLog({ maxEvents: 5000 });
    for (let tick = 0; tick < 4; tick++) {
      log.append(events(2000, tick * 2000));
      // Sent now as one entry: the next append goes in another.
      await log.drain();
    }
    const kept = [];
    let after = '0';
    for (;;) {
      const page = await log.read(after, { limit: 100, waitMs: 0 });
      if (page.events.length === 0) break;
      kept.push(...page.events);
      after = page.last;
    }
    // 8,000 appended, 5,000 asked for: whole entries are dropped, so between 5,000 and
    // 5,000 + one entry stay, and they are the newest, in order.
    expect(kept.length).toBeGreaterThanOrEqual(5000);
    expect(kept.length).toBeLessThanOrEqual(7000);
    expect(kept.at(-1)?.at).toBe(7999);
    expect(kept.map((e) => e.at)).toEqual(Array.from({ length: kept.length }, (_, i) => 8000 - kept.length + i));
    await log.close();
    await store.close();
  });

  it('sends the events of calls close together as one entry, in order', async () => {
    const store = createRedisStore({ url: redis.url, prefix: redis.prefix() });
    const log = store.eventLog();
    log.append(events(1, 0));
    log.append(events(2, 1));
    log.append(events(1, 3));
    await log.drain();
    const { events: read } = await log.read('0', { limit: 100, waitMs: 0 });
    expect(read.map((e) => e.at)).toEqual([0, 1, 2, 3]);
    expect(new Set(read.map((e) => e.id.split('.')[0])).size).toBe(1);
    await log.close();
    await store.close();
  });

  it('serves readers waiting at once, each on its own connection; one stopping ends no other', async () => {
    const store = createRedisStore({ url: redis.url, prefix: redis.prefix() });
    const log = store.eventLog();
    const quitter = new AbortController();
    const waiting = [0, 1, 2].map(() => log.read(undefined, { limit: 10, waitMs: 30_000 }));
    const quitting = log.read(undefined, { limit: 10, waitMs: 30_000, signal: quitter.signal });
    quitter.abort();
    expect((await quitting).events).toEqual([]);
    log.append(events(1, 42));
    await log.drain();
    for (const read of await Promise.all(waiting)) expect(read.events.map((e) => e.at)).toEqual([42]);
    await log.close();
    await store.close();
  });
});
