import { describe, expect, it } from 'vitest';
import type { Clock } from './clock.js';
import { FakeClock, flushPromises } from './fake-clock.js';
import { Wakeup } from './wakeup.js';

/** Starts a wait and reports whether it has ended. */
function waiting(wakeup: Wakeup, clock: FakeClock, ms: number): { readonly done: boolean; promise: Promise<void> } {
  const state = { done: false, promise: Promise.resolve() };
  state.promise = wakeup.wait(clock, ms).then(() => {
    state.done = true;
  });
  return state;
}

describe('Wakeup', () => {
  it('sleeps for the time asked on the injected clock', async () => {
    const clock = new FakeClock(0);
    const w = waiting(new Wakeup(), clock, 1000);
    await clock.advance(999);
    expect(w.done).toBe(false);
    await clock.advance(1);
    expect(w.done).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('ends early at wake(), and cancels its timer', async () => {
    const clock = new FakeClock(0);
    const wakeup = new Wakeup();
    const w = waiting(wakeup, clock, 60_000);
    await clock.advance(10);
    wakeup.wake();
    await flushPromises();
    expect(w.done).toBe(true);
    expect(clock.now()).toBe(10);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps a wake() that came while nobody slept, for the next wait only', async () => {
    const clock = new FakeClock(0);
    const wakeup = new Wakeup();
    wakeup.wake();
    wakeup.wake();
    await wakeup.wait(clock, 60_000); // resolves at once
    expect(clock.pendingTimers).toBe(0);
    const w = waiting(wakeup, clock, 100);
    await flushPromises();
    expect(w.done).toBe(false);
    await clock.advance(100);
    expect(w.done).toBe(true);
  });

  it('clear() drops a pending wake()', async () => {
    const clock = new FakeClock(0);
    const wakeup = new Wakeup();
    wakeup.wake();
    wakeup.clear();
    const w = waiting(wakeup, clock, 100);
    await flushPromises();
    expect(w.done).toBe(false);
    await clock.advance(100);
    expect(w.done).toBe(true);
  });

  it('never asks the clock for more than a Node timer can hold, nor for less than 0', async () => {
    const asked: number[] = [];
    const clock = new FakeClock(0);
    const spy: Clock = {
      now: () => clock.now(),
      sleep: (ms, signal) => clock.sleep(ms, signal),
      setTimeout: (fn, ms) => {
        asked.push(ms);
        return clock.setTimeout(fn, ms);
      },
    };
    const wakeup = new Wakeup();
    const long = wakeup.wait(spy, 2 ** 40);
    wakeup.wake();
    await long;
    const negative = wakeup.wait(spy, -5);
    await clock.tick();
    await negative;
    expect(asked).toEqual([2_147_483_647, 0]);
  });
});
