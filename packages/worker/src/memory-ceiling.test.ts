import { createMemoryStore, FakeClock, type NewJob } from '@cadenza/core';
import { drive, newJob, spyStore } from '@cadenza/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from './worker.js';

const MB = 2 ** 20;
let clock: FakeClock;
let worker: Worker | undefined;

afterEach(async () => {
  if (worker !== undefined) await drive(clock, worker.stop());
  worker = undefined;
});

describe('memory ceiling', () => {
  it('claims nothing while the process is above it, and claims again once below', async () => {
    clock = new FakeClock();
    const { store, calls } = spyStore(createMemoryStore());
    const now = clock.now();
    const jobs: NewJob[] = Array.from({ length: 3 }, () =>
      newJob({ tenant: 'default', name: 'job', payload: null }, now),
    );
    await store.enqueue(jobs, now);
    let used = 300 * MB;
    let ran = 0;
    worker = new Worker({
      store,
      clock,
      id: 'w',
      maxMemoryMb: 200,
      memoryUsage: () => used,
      pollMs: 50,
      handlers: { job: () => void ran++ },
    });
    await worker.start();
    // Several polls pass above the ceiling: no claim is made, no job runs.
    await drive(clock, new Promise<void>((resolve) => clock.setTimeout(resolve, 500)));
    expect(calls.claim ?? []).toHaveLength(0);
    expect(ran).toBe(0);
    // Memory falls: the next poll claims and the jobs run.
    used = 100 * MB;
    const done = worker.once('idle');
    await drive(clock, done);
    expect(ran).toBe(3);
    expect((calls.claim ?? []).length).toBeGreaterThan(0);
  });
});
