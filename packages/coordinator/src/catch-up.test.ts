// What one schedule may fire in one tick (fire-caps.ts), and the pacing of an `every`
// stored shorter than the minimum interval. Fake clock and a memory store throughout.
import {
  createMemoryStore,
  definedOnly,
  FakeClock,
  type Logger,
  prepareSchedule,
  type ScheduleFire,
  type ScheduleInput,
  type Store,
} from '@cadenza/core';
import { drive, spyStore } from '@cadenza/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Coordinator } from './coordinator.js';
import type { FiredEvent } from './fire-schedules.js';
import type { CoordinatorOptions } from './options.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');

let clock: FakeClock;
const running: Coordinator[] = [];

afterEach(async () => {
  await drive(clock, Promise.all(running.splice(0).map((c) => c.stop())));
  expect(clock.pendingTimers).toBe(0);
});

function start(store: Store, options: Partial<CoordinatorOptions> = {}): Coordinator {
  const c = new Coordinator({ store, clock, id: 'c1', tickMaxMs: 3_600_000, ...options });
  running.push(c);
  return c;
}

/** A schedule whose last fire is long gone: created `backlog` minutes ago, no coordinator since. */
async function overdue(store: Store, input: ScheduleInput, backlogMinutes: number): Promise<void> {
  await store.upsertSchedule(prepareSchedule('catch-up', input), T0 - backlogMinutes * MINUTE);
}

/** Every fire time the store's jobs carry, sorted; fails the test when one was fired twice. */
async function fireTimes(store: Store): Promise<number[]> {
  const times: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listJobs({ limit: 500, ...definedOnly({ cursor }) });
    for (const job of page.jobs) times.push(job.scheduledFor ?? Number.NaN);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  times.sort((a, b) => a - b);
  expect(new Set(times).size).toBe(times.length);
  return times;
}

/**
 * Starts a coordinator on `store` and drives the clock until it has created `total` jobs;
 * answers the jobs each tick created (ticks that created none left out) and the events.
 */
async function catchUp(
  store: Store,
  options: Partial<CoordinatorOptions>,
  total: number,
): Promise<{ perTick: number[]; fired: FiredEvent[] }> {
  const c = start(store, options);
  const perTick: number[] = [];
  const fired: FiredEvent[] = [];
  c.on('tick', (t) => {
    if (t.jobsCreated > 0) perTick.push(t.jobsCreated);
  });
  c.on('fired', (e) => fired.push(e));
  await c.start();
  await drive(
    clock,
    c.once('tick', () => perTick.reduce((a, b) => a + b, 0) >= total),
    1000,
  );
  return { perTick, fired };
}

const minutesBefore = (from: number, to: number): number[] =>
  Array.from({ length: from - to + 1 }, (_, i) => T0 - (from - i) * MINUTE);

describe('a long catch-up', () => {
  it('fires at most maxFiresPerTick per tick and, over the next ticks, every fire time exactly once', async () => {
    clock = new FakeClock(T0);
    const { store, calls } = spyStore(createMemoryStore());
    // Created 2,000 minutes ago: 1,998 fire times are missed (older than the 60 s grace),
    // the newest 1,000 of them are owed, then T0-1min and T0 are on time.
    await overdue(store, { name: 'report', every: MINUTE, misfire: 'all', maxCatchUp: 1000 }, 2000);
    const { perTick, fired } = await catchUp(store, { maxFiresPerTick: 100 }, 1002);

    expect(perTick).toEqual([100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 2]);
    for (const call of calls.recordFires ?? []) {
      for (const fire of call[1] as ScheduleFire[]) expect(fire.jobs.length).toBeLessThanOrEqual(100);
    }
    // The policy's skips are counted once, by the first tick.
    expect(fired.map((e) => e.skipped)).toEqual([998, ...Array<number>(10).fill(0)]);
    expect(await fireTimes(store)).toEqual(minutesBefore(1001, 0));
    expect(await store.getSchedule('default', 'catch-up')).toMatchObject({
      runCount: 1002,
      lastFireAt: T0,
      nextFireAt: T0 + MINUTE,
    });
    // The catch-up did not wait for the clock: every tick ran at T0.
    expect(clock.now()).toBe(T0);
  });

  it('fires at most maxFirePayloadBytesPerTick of payload per tick, and one job whatever its size', async () => {
    clock = new FakeClock(T0);
    const store = createMemoryStore();
    const payload = { text: 'x'.repeat(10_000) }; // 10,011 bytes of JSON
    await overdue(store, { name: 'big', every: MINUTE, misfire: 'all', payload }, 11);
    const big = await catchUp(store, { maxFirePayloadBytesPerTick: 45_000 }, 11);
    expect(big.perTick).toEqual([4, 4, 3]);
    expect(await fireTimes(store)).toEqual(minutesBefore(10, 0));

    // A payload larger than the cap: one job per tick, still every fire once.
    const tiny = createMemoryStore();
    await overdue(tiny, { name: 'big', every: MINUTE, misfire: 'all', payload }, 3);
    const huge = await catchUp(tiny, { maxFirePayloadBytesPerTick: 100 }, 3);
    expect(huge.perTick).toEqual([1, 1, 1]);
    expect(await fireTimes(tiny)).toEqual(minutesBefore(2, 0));
  });

  it('another coordinator replaying a cut catch-up creates nothing twice', async () => {
    clock = new FakeClock(T0);
    const store = createMemoryStore();
    await overdue(store, { name: 'report', every: MINUTE, misfire: 'all', maxCatchUp: 300 }, 400);
    const a = start(store, { maxFiresPerTick: 50 });
    let created = 0;
    a.on('fired', (e) => {
      created += e.jobIds.length;
    });
    // a hands over mid catch-up: it stops as its first tick ends (its store's signals would
    // start the next tick at once); b plans from what the store says and finishes it.
    const stopped = a.once('stopped');
    a.on('tick', (t) => {
      if (t.jobsCreated > 0) void a.stop();
    });
    await a.start();
    await drive(clock, stopped, 0);
    expect(created).toBe(50);
    running.splice(0);
    const b = new Coordinator({ store, clock, id: 'c2', tickMaxMs: 3_600_000, maxFiresPerTick: 70 });
    running.push(b);
    b.on('fired', (e) => {
      created += e.jobIds.length;
    });
    await b.start();
    await drive(
      clock,
      b.once('tick', () => created >= 302),
      1000,
    );
    expect(await fireTimes(store)).toEqual(minutesBefore(301, 0));
  });
});

describe('an every stored shorter than the minimum interval', () => {
  function spyLog() {
    const warn = vi.fn();
    const log = { debug: vi.fn(), info: vi.fn(), warn, error: vi.fn(), fatal: vi.fn(), child: () => log };
    return { log: log as unknown as Logger, warn };
  }

  it('fires once per minimum interval, on times of its own cadence, each once; logged once', async () => {
    clock = new FakeClock(T0);
    const store = createMemoryStore();
    // As a deployment that allowed 1 ms would have stored it.
    await store.upsertSchedule(prepareSchedule('fast', { name: 'n', every: 3 }, { minIntervalMs: 1 }), T0);
    const { log, warn } = spyLog();
    const c = start(store, { log, tickMaxMs: 1000 });
    await c.start();
    await drive(clock, new Promise<void>((resolve) => clock.setTimeout(resolve, 5000)));

    // every 3 ms paced to a 1 s minimum: every 334th time (1,002 ms), from the epoch.
    const times = await fireTimes(store);
    expect(times.length).toBeGreaterThanOrEqual(4);
    expect(times.length).toBeLessThanOrEqual(5);
    for (const t of times) expect(t % 1002).toBe(0);
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBe(1002);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatchObject({ scheduleId: 'fast', every: 3, minIntervalMs: 1000 });
  });

  it('honours a minimum the deployment set: 250 ms lets a 100 ms every fire every 300 ms', async () => {
    clock = new FakeClock(T0);
    const store = createMemoryStore();
    await store.upsertSchedule(prepareSchedule('fast', { name: 'n', every: 100 }, { minIntervalMs: 1 }), T0);
    const c = start(store, { minIntervalMs: 250, tickMaxMs: 1000 });
    await c.start();
    await drive(clock, new Promise<void>((resolve) => clock.setTimeout(resolve, 3100)));
    expect((await fireTimes(store)).map((t) => t - T0)).toEqual([
      300, 600, 900, 1200, 1500, 1800, 2100, 2400, 2700, 3000,
    ]);
  });
});
