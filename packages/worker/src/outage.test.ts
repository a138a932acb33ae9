// The worker through a store outage: every store call fails with `unavailable` while the
// store is "down", then answers again. Fake clock throughout; a pino logger that keeps its
// lines, to count what an outage writes to the log.
import { CadenzaError, createMemoryStore, FakeClock, type HandlersMap, type Logger, type Store } from '@cadenza/core';
import { drive, newJob, spyStore } from '@cadenza/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkerOptions } from './options.js';
import { Worker } from './worker.js';

let clock: FakeClock;
let worker: Worker | undefined;

afterEach(async () => {
  if (worker !== undefined) await drive(clock, worker.stop());
  worker = undefined;
  expect(clock.pendingTimers).toBe(0);
});

const WORKER_CALLS = ['claim', 'heartbeat', 'settle'] as const;

/** A memory store whose worker calls fail while `down` is set; `times` records each call. */
function flakyStore() {
  const spy = spyStore(createMemoryStore());
  const state = { down: false, times: {} as Record<string, number[]> };
  for (const method of WORKER_CALLS) {
    const inner = spy.store[method].bind(spy.store) as (...args: never[]) => Promise<unknown>;
    (spy.overrides as Record<string, unknown>)[method] = (...args: never[]) => {
      state.times[method] = [...(state.times[method] ?? []), clock.now()];
      if (state.down) return Promise.reject(new CadenzaError('unavailable', 'redis: connection refused'));
      return inner(...args);
    };
  }
  return { store: spy.store, state };
}

interface Line {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  during?: string;
  failedCalls?: number;
}

/** The part of a pino logger the worker uses, keeping what it is given. */
function logLines() {
  const lines: Line[] = [];
  const at =
    (level: Line['level']) =>
    (fields: object | string, msg = ''): void => {
      lines.push(typeof fields === 'string' ? { level, msg: fields } : { level, msg, ...fields });
    };
  const log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as Record<string, unknown>;
  log.fatal = log.error;
  log.child = () => log;
  log.isLevelEnabled = () => true;
  return { log: log as unknown as Logger, lines, warnings: () => lines.filter((l) => l.level === 'warn') };
}

function start(store: Store, handlers: HandlersMap, options: Partial<WorkerOptions> = {}): Worker {
  worker = new Worker({ store, clock, id: 'w1', handlers, ...options });
  return worker;
}

async function enqueue(store: Store, count: number, name: string): Promise<string[]> {
  const jobs = Array.from({ length: count }, () => newJob({ name, tenant: 'default', payload: null }, clock.now()));
  return (await store.enqueue(jobs, clock.now())).map((r) => r.id);
}

describe('Worker through a store outage', () => {
  it('retries claims with backoff from 50 ms to 2 s, logging the outage once when it starts and once when it ends', async () => {
    clock = new FakeClock('2026-01-01T00:00:00Z');
    const { store, state } = flakyStore();
    const { log, lines, warnings } = logLines();
    const w = start(store, { ok: () => 'done' }, { log, pollMs: 60_000 });
    expect(w.notClaiming).toBe('the worker is stopped');
    state.down = true;
    const t0 = clock.now();
    await w.start();
    await drive(
      clock,
      w.once('error', () => clock.now() - t0 >= 10_000),
    );
    const claims = (state.times.claim ?? []).map((t) => t - t0);
    expect(claims.slice(0, 8)).toEqual([0, 50, 150, 350, 750, 1550, 3150, 5150]);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ during: 'claim' });
    // What a worker's `/readyz` says meanwhile.
    expect(w.notClaiming).toBe('its last claim failed: the store did not answer');

    state.down = false;
    const [id = ''] = await enqueue(store, 1, 'ok');
    await drive(clock, w.once('succeeded'), 2000);
    expect(w.notClaiming).toBeUndefined();
    expect((await store.getJob(id))?.status).toBe('succeeded');
    expect(warnings()).toHaveLength(1);
    const back = lines.filter((l) => l.msg === 'the store answers again');
    expect(back).toHaveLength(1);
    expect(back[0]?.failedCalls).toBe(claims.length);
  });

  it('keeps a settlement that failed and writes it once the store answers; the job ran once', async () => {
    clock = new FakeClock('2026-01-01T00:00:00Z');
    const { store, state } = flakyStore();
    let runs = 0;
    const w = start(
      store,
      {
        // The store goes down while the handler runs: its settlement is the first call to fail.
        work: () => {
          runs++;
          state.down = true;
          return 'result';
        },
      },
      { leaseMs: 60_000, pollMs: 60_000 },
    );
    const [id = ''] = await enqueue(store, 1, 'work');
    const succeeded = w.once('succeeded');
    await w.start();
    await drive(
      clock,
      w.once('error', (e) => e.during === 'settle'),
    );
    expect((await store.getJob(id))?.status).toBe('active');
    await clock.advance(20_000);
    expect((await store.getJob(id))?.status).toBe('active');
    state.down = false;
    await drive(clock, succeeded, 2000);
    expect((await store.getJob(id))?.status).toBe('succeeded');
    expect((await store.getJob(id))?.result).toBe('result');
    expect(runs).toBe(1);
  });

  it('does not stop a running handler while failed heartbeats leave its lease standing', async () => {
    clock = new FakeClock('2026-01-01T00:00:00Z');
    const { store, state } = flakyStore();
    let aborted = false;
    const w = start(
      store,
      {
        slow: async (_job, ctx) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
          });
          await clock.sleep(5000);
          return 'slept';
        },
      },
      { leaseMs: 3000, heartbeatEveryMs: 1000, pollMs: 60_000 },
    );
    const [id = ''] = await enqueue(store, 1, 'slow');
    const started = w.once('started');
    await w.start();
    await drive(clock, started);
    // Down for 2.5 s of a 3 s lease, counted from the last heartbeat the store accepted (at 0).
    state.down = true;
    await clock.advance(2500);
    expect(aborted).toBe(false);
    state.down = false;
    await drive(clock, w.once('succeeded'));
    expect(aborted).toBe(false);
    expect((await store.getJob(id))?.result).toBe('slept');
  });

  it('on stop, retries an unwritten settlement until its lease runs out, then gives it up', async () => {
    clock = new FakeClock('2026-01-01T00:00:00Z');
    const { store, state } = flakyStore();
    const { log, lines } = logLines();
    const w = start(
      store,
      {
        work: () => {
          state.down = true;
          return 'done';
        },
      },
      { log, leaseMs: 4000, pollMs: 60_000, shutdownTimeoutMs: 0 },
    );
    const [id = ''] = await enqueue(store, 1, 'work');
    await w.start();
    await drive(
      clock,
      w.once('error', (e) => e.during === 'settle'),
    );
    const claimedAt = (state.times.claim ?? [])[0] ?? 0;
    const dropped = w.once('dropped');
    await drive(clock, w.stop());
    expect((await dropped).reason).toBe('lost');
    // The lease ran from the claim (the only heartbeats failed): tried until it ran out.
    const settles = state.times.settle ?? [];
    expect(settles.at(-1)).toBe(claimedAt + 4000);
    expect(lines.some((l) => l.msg.startsWith('settlements could not be written'))).toBe(true);
    state.down = false;
    expect((await store.getJob(id))?.status).toBe('active');
  });
});
