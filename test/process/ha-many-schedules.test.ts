// A measurement, not a timing assertion: 10,000 schedules due in the same second, fired by
// one in-process Coordinator (real clock) on a real redis-server. Prints how long after
// the due second the last job was created. The tick reads only what is due: the store
// takes due schedules from a sorted set by next fire time (ZRANGEBYSCORE), never a scan.
import { Coordinator } from '@cadenza/coordinator';
import { prepareSchedule, realClock } from '@cadenza/core';
import { allJobs } from '@cadenza/core/testing';
import { createRedisStore, type RedisStore } from '@cadenza/store-redis';
import { type RedisHarness, startRedis } from '@cadenza/store-redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './cadenza-process.js';
import { report } from './ha.js';

const SCHEDULES = 10_000;

let redis: RedisHarness;
let store: RedisStore;
let coordinator: Coordinator | undefined;

beforeAll(async () => {
  redis = await startRedis();
  store = createRedisStore({ url: redis.url, prefix: redis.prefix() });
});
afterAll(async () => {
  await coordinator?.stop();
  await store.close();
  await redis.stop();
});

describe('10,000 schedules due in one second', () => {
  it('are all fired; the time it took is printed', async () => {
    // Due a whole second a few seconds from now: time enough, usually, to write them all first.
    const due = Math.ceil(realClock.now() / 1000) * 1000 + 8000;
    const at = new Date(due).toISOString();
    for (let i = 0; i < SCHEDULES; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, SCHEDULES - i) }, (_, k) =>
          store.upsertSchedule(prepareSchedule(`s${i + k}`, { name: 'n', at }), realClock.now()),
        ),
      );
    }
    // On a busy machine the writes may outlast the lead time: then count from when they ended.
    const from = Math.max(due, realClock.now());
    let fired = 0;
    let lastFiredAt = 0;
    coordinator = new Coordinator({ store, id: 'bench' });
    coordinator.on('fired', (e) => {
      fired += e.jobIds.length;
      lastFiredAt = realClock.now();
    });
    await coordinator.start();
    await waitFor(`${SCHEDULES} fires (saw ${fired})`, () => fired >= SCHEDULES, 60_000);
    report(
      `${SCHEDULES} schedules due at ${at}: all fired ${lastFiredAt - from} ms after the due second began${from > due ? ' (counted from the end of the writes, which ran late)' : ''}`,
    );
    // Pages may be short while a cursor is given: read to the end rather than trust one page.
    const [job] = await allJobs(store, { limit: 1000 });
    expect(job).toBeDefined();
  }, 90_000);
});
