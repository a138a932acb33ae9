// The coordinator through a store outage: every store call fails with `unavailable` while
// the store is "down". Fake clock throughout; a logger of vi.fn()s counts what is logged.
import { CadenzaError, createMemoryStore, FakeClock, type Logger, type Store } from '@cadenza/core';
import { drive, newJob } from '@cadenza/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Coordinator } from './coordinator.js';

let clock: FakeClock;
let running: Coordinator | undefined;

afterEach(async () => {
  if (running !== undefined) await drive(clock, running.stop());
  running = undefined;
  expect(clock.pendingTimers).toBe(0);
});

/** Every call but `subscribe` and `close` rejects while `down` is set (optionally only `only`). */
function flaky(inner: Store) {
  const state: { down: boolean; only?: string } = { down: false };
  const store = new Proxy(inner, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      const call = (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args);
      if (key === 'subscribe' || key === 'close') return call;
      return (...args: unknown[]) =>
        state.down && (state.only === undefined || state.only === key)
          ? Promise.reject(new CadenzaError('unavailable', 'redis: connection refused'))
          : call(...args);
    },
  });
  return { store, state };
}

function spyLog() {
  const log = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), fatal: vi.fn(), child: () => log };
  const messages = (fn: ReturnType<typeof vi.fn>) => fn.mock.calls.map((c) => c.at(-1) as string);
  return { log: log as unknown as Logger, spy: log, messages };
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - (times[i] ?? 0));

describe('Coordinator through a store outage', () => {
  it('steps down, asks for the lease again with backoff, leads and ticks once the store answers; two log lines', async () => {
    clock = new FakeClock('2026-01-01T00:00:00Z');
    const inner = createMemoryStore();
    const { store, state } = flaky(inner);
    const { log, spy, messages } = spyLog();
    const c = new Coordinator({ store, clock, id: 'c1', log, leaseTtlMs: 3000, tickMaxMs: 1000, followerPollMs: 1000 });
    running = c;
    const firstTick = c.once('tick');
    await c.start();
    await drive(clock, firstTick, 0);
    const acquires: number[] = [];
    c.on('error', (e) => {
      if (e.during === 'acquire') acquires.push(clock.now());
    });

    state.down = true;
    const steppedDown = c.once('follower');
    await drive(
      clock,
      c.once('error', (e) => e.during === 'acquire' && acquires.length >= 9),
    );
    expect((await steppedDown).reason).toBe('renew_failed');
    // 50 ms doubling, never longer than followerPollMs (1000 ms).
    expect(gaps(acquires)).toEqual([50, 100, 200, 400, 800, 1000, 1000, 1000]);
    expect(spy.warn).toHaveBeenCalledTimes(1);
    expect(spy.error).not.toHaveBeenCalled();

    const [delayed] = await inner.enqueue(
      [newJob({ tenant: 'default', runAt: clock.now() + 10 }, clock.now())],
      clock.now(),
    );
    state.down = false;
    const promoted = c.once('tick', (t) => t.promoted > 0);
    await drive(clock, c.once('leader'), 1000);
    await drive(clock, promoted, 1000);
    expect((await inner.getJob(delayed?.id ?? ''))?.status).toBe('waiting');
    expect(spy.warn).toHaveBeenCalledTimes(1);
    expect(messages(spy.info).filter((m) => m === 'the store answers again')).toHaveLength(1);
  });

  it('retries a failing tick with backoff while it keeps leading', async () => {
    clock = new FakeClock('2026-01-01T00:00:00Z');
    const inner = createMemoryStore();
    const { store, state } = flaky(inner);
    const { log, spy } = spyLog();
    const c = new Coordinator({ store, clock, id: 'c1', log, tickMaxMs: 60_000, leaseTtlMs: 60_000 });
    running = c;
    const firstTick = c.once('tick');
    await c.start();
    await drive(clock, firstTick, 0);
    const ticks: number[] = [];
    c.on('error', (e) => {
      if (e.during === 'tick') ticks.push(clock.now());
    });
    // Only the first step of a tick fails; leadership calls still answer.
    Object.assign(state, { down: true, only: 'promoteDelayed' });
    const [delayed] = await inner.enqueue(
      [newJob({ tenant: 'default', runAt: clock.now() + 10 }, clock.now())],
      clock.now(),
    );
    c.wake();
    await drive(
      clock,
      c.once('error', () => ticks.length >= 6),
    );
    expect(gaps(ticks)).toEqual([50, 100, 200, 400, 800]);
    expect(c.isLeader).toBe(true);
    state.down = false;
    await drive(
      clock,
      c.once('tick', (t) => t.promoted > 0),
      2000,
    );
    expect((await inner.getJob(delayed?.id ?? ''))?.status).toBe('waiting');
    expect(spy.warn).toHaveBeenCalledTimes(1);
    expect(spy.info.mock.calls.some((c) => c.at(-1) === 'the store answers again')).toBe(true);
  });
});
