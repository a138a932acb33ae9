import { newJob } from '@cadenza/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisHarness, startRedis } from '../testing/redis-server.js';
import { createRedisStore } from './redis-store.js';

const T0 = Date.UTC(2026, 0, 1);

let harness: RedisHarness;
beforeAll(async () => {
  harness = await startRedis();
});
afterAll(async () => {
  await harness.stop();
});

describe('redis store: a Redis too slow to answer', () => {
  it('fails the call with unavailable after commandTimeoutMs, and works again once Redis answers', async () => {
    const store = createRedisStore({ url: harness.url, prefix: harness.prefix(), commandTimeoutMs: 200 });
    await store.ping();
    // Another client keeps Redis busy for about a second (a script runs alone).
    const busy = harness.client();
    const hold = busy.eval(
      'local t = redis.call("TIME"); local s = t[1] + 1; while tonumber(redis.call("TIME")[1]) < s + 1 do end return 1',
      0,
    );
    let busyNow = true;
    void hold.then(() => {
      busyNow = false;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const error = await store.enqueue([newJob({}, T0)], T0).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'unavailable' });
    expect(String((error as Error).message)).toMatch(/did not answer in time \(commandTimeoutMs\)/);
    // It gave up while Redis was still busy, rather than waiting for it.
    expect(busyNow).toBe(true);
    await hold;
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
  });

  it('refuses a command timeout that is not a whole number of milliseconds from 1', () => {
    expect(() => createRedisStore({ url: harness.url, commandTimeoutMs: 0 })).toThrow(/commandTimeoutMs: got 0/);
  });
});
