// The leader's clock stepped on its host, shown in-process: a Coordinator on core's
// FakeClock against the real Redis store. Stepped backwards, no fire time fires twice;
// stepped forwards, the misfire policy decides what the skipped hours give.
import { Coordinator } from '@cadenza/coordinator';
import { FakeClock, prepareSchedule } from '@cadenza/core';
import { allJobs } from '@cadenza/core/testing';
import { createRedisStore, type RedisStore } from '@cadenza/store-redis';
import { type RedisHarness, startRedis } from '@cadenza/store-redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './cadenza-process.js';
import { doubled } from './ha.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');

let redis: RedisHarness;
let store: RedisStore;
let clock: FakeClock;
let coordinator: Coordinator;
let lastTick = 0;

beforeAll(async () => {
  redis = await startRedis();
  store = createRedisStore({ url: redis.url, prefix: redis.prefix() });
  clock = new FakeClock(T0);
  // A lease far longer than the test's fake hours, so that only the steps are in play.
  coordinator = new Coordinator({ store, clock, id: 'c1', leaseTtlMs: 24 * 60 * MINUTE, tickMaxMs: 60 * MINUTE });
  coordinator.on('tick', (t) => {
    lastTick = t.at;
  });
});
afterAll(async () => {
  const stopped = coordinator.stop();
  while (coordinator.isLeader) await clock.tick();
  await stopped;
  await store.close();
  await redis.stop();
});

/**
 * Moves the fake clock to `at` (timers fire on the way) or, with `step`, sets it there
 * without firing anything and wakes the leader, as an NTP step would meet a running
 * process; then waits in real time for the tick the Redis round trips finish.
 */
async function timeIs(at: number, step = false): Promise<void> {
  if (step) {
    clock.set(at);
    coordinator.wake();
  } else await clock.advanceTo(at);
  await waitFor(`a tick at ${new Date(at).toISOString()}`, async () => {
    await clock.tick();
    if (lastTick === at) return true;
    // A tick that began before the clock moved ends with the earlier time; nudge the leader
    // so that the next one sees `at` (what is asserted is which fires exist, not when the
    // leader wakes by itself: the fake clock does not move while we wait).
    coordinator.wake();
    return false;
  });
}

async function fireTimes(scheduleId: string): Promise<string[]> {
  const jobs = await allJobs(store, { limit: 1000 });
  return jobs
    .filter((j) => j.scheduleId === scheduleId)
    .map((j) => new Date(j.scheduledFor ?? 0).toISOString().slice(11, 19))
    .sort();
}

describe('a leader whose clock is stepped', () => {
  it('never fires a time twice when stepped backwards; follows the misfire policy when stepped forwards', async () => {
    for (const misfire of ['skip', 'once', 'all'] as const) {
      await store.upsertSchedule(prepareSchedule(misfire, { name: 'n', cron: '* * * * *', misfire }), T0);
    }
    await coordinator.start();
    await timeIs(T0 + MINUTE);
    await timeIs(T0 + 2 * MINUTE);

    // Back 90 s, then forwards through the same minutes again.
    await timeIs(T0 + 30_000, true);
    await timeIs(T0 + MINUTE, true);
    await timeIs(T0 + 2 * MINUTE, true);
    await timeIs(T0 + 3 * MINUTE);
    for (const id of ['skip', 'once', 'all'])
      expect(await fireTimes(id), id).toEqual(['00:01:00', '00:02:00', '00:03:00']);

    // Forwards two hours: 00:04 … 01:58 are missed (later than the 60 s grace); 01:59 and
    // 02:00 are on time. skip: none of the missed; once: the latest; all: the newest 100.
    await timeIs(T0 + 120 * MINUTE, true);
    const after = async (id: string) => (await fireTimes(id)).slice(3);
    expect(await after('skip')).toEqual(['01:59:00', '02:00:00']);
    expect(await after('once')).toEqual(['01:58:00', '01:59:00', '02:00:00']);
    const all = await after('all');
    expect(all).toHaveLength(102);
    expect([all[0], all.at(-1)]).toEqual(['00:19:00', '02:00:00']);
    const jobs = await allJobs(store, { limit: 1000 });
    expect(doubled(jobs.filter((j) => j.scheduleId === 'all'))).toEqual([]);
  }, 30_000);
});
