import { createMemoryStore, FakeClock, type NewJob, type Store } from '@cadenza/core';
import { drive, newJob, spyStore } from '@cadenza/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from './worker.js';

let clock: FakeClock;
let running: Worker | undefined;

afterEach(async () => {
  if (running !== undefined) await drive(clock, running.stop());
  running = undefined;
});

async function enqueue(store: Store, n: number): Promise<void> {
  const now = clock.now();
  const jobs: NewJob[] = Array.from({ length: n }, () =>
    newJob({ tenant: 'default', name: 'job', payload: null }, now),
  );
  await store.enqueue(jobs, now);
}

/** Runs `jobs` jobs whose handler takes `ms` (on the fake clock); answers the largest claim asked. */
async function largestClaim(ms: number, jobs: number, concurrency = 4): Promise<number> {
  clock = new FakeClock();
  const spy = spyStore(createMemoryStore());
  await enqueue(spy.store, jobs);
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    running = new Worker({
      store: spy.store,
      clock,
      id: 'w',
      concurrency,
      handlers: {
        job: async () => {
          if (ms > 0) await new Promise<void>((wake) => clock.setTimeout(wake, ms));
          if (++done === jobs) resolve();
        },
      },
    });
  });
  await running?.start();
  await drive(clock, finished);
  const limits = (spy.calls.claim ?? []).map((args) => (args[0] as { limit: number }).limit);
  return Math.max(...limits);
}

describe('claiming ahead', () => {
  it('holds up to another batch in hand while jobs are quick', async () => {
    expect(await largestClaim(0, 40)).toBeGreaterThan(4);
  });

  it('never holds more than its concurrency while jobs are slow', async () => {
    expect(await largestClaim(50, 20)).toBeLessThanOrEqual(4);
  });

  it('claims a batch per round trip at concurrency 1 while jobs take no time', async () => {
    // A claim of one job per round trip made concurrency 1 pay a round trip for every job.
    // Instant jobs fill a 2 ms window with the whole claim batch (100): claims wait until
    // half of it is free.
    expect(await largestClaim(0, 400, 1)).toBeGreaterThanOrEqual(50);
  });

  it('at concurrency 1, holds about 2 ms of work beyond the running job: two of 1 ms, none of 5 ms', async () => {
    expect(await largestClaim(1, 30, 1)).toBe(3);
    expect(await largestClaim(5, 10, 1)).toBe(1);
  });
});
