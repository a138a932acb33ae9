// The settlement buffer on its own: one settle call on its way at a time, however many
// settlements arrive meanwhile, each answered once, in order; a failed call is tried again
// with backoff, and only close() gives up.
import {
  CadenzaError,
  FakeClock,
  flushPromises,
  type LeaseState,
  type Settlement,
  type Store,
  silentLogger,
} from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { SettlementBuffer } from './settlements.js';

/** A store whose settle calls wait until `answer()`; records each call's job ids. */
function slowStore() {
  const calls: string[][] = [];
  const waiting: Array<() => void> = [];
  let onTheWay = 0;
  let most = 0;
  const store = {
    settle(settlements: readonly Settlement[]): Promise<LeaseState[]> {
      calls.push(settlements.map((s) => s.jobId));
      onTheWay++;
      most = Math.max(most, onTheWay);
      return new Promise((resolve) => {
        waiting.push(() => {
          onTheWay--;
          resolve(settlements.map(() => 'ok'));
        });
      });
    },
  } as unknown as Store;
  return {
    store,
    calls,
    mostOnTheWay: () => most,
    async answer(): Promise<void> {
      const all = waiting.splice(0);
      for (const go of all) go();
      await flushPromises();
    },
  };
}

const settlement = (i: number): Settlement => ({
  jobId: `t:${i}`,
  token: 'x',
  outcome: 'succeeded',
  result: undefined,
});

/** A store whose first `failures` settle calls fail; records each call's job ids. */
function failingStore(failures: number) {
  const calls: string[][] = [];
  const store = {
    async settle(settlements: readonly Settlement[]): Promise<LeaseState[]> {
      calls.push(settlements.map((s) => s.jobId));
      if (calls.length <= failures) throw new CadenzaError('unavailable', 'the store is down');
      return settlements.map(() => 'ok');
    },
  } as unknown as Store;
  return { store, calls };
}

function bufferOn(store: Store, clock: FakeClock, errors: unknown[] = []) {
  return new SettlementBuffer({
    store,
    clock,
    log: silentLogger(),
    delayMs: 2,
    maxBatch: 100,
    onError: (error) => errors.push(error),
    onAnswer: () => undefined,
  });
}

describe('SettlementBuffer', () => {
  it('writes what arrives within its delay in one call, on its timer', async () => {
    const clock = new FakeClock(0);
    const { store, calls } = failingStore(0);
    const buffer = bufferOn(store, clock);
    const answers: LeaseState[] = [];
    for (let i = 0; i < 3; i++) buffer.push(settlement(i), (state) => answers.push(state));
    await flushPromises();
    expect(calls).toEqual([]);
    await clock.advance(2);
    await flushPromises();
    expect(calls).toEqual([['t:0', 't:1', 't:2']]);
    expect(answers).toEqual(['ok', 'ok', 'ok']);
  });

  it('keeps the settlements of a failed call, ahead of later ones, and tries again with backoff until the store answers', async () => {
    const clock = new FakeClock(0);
    const { store, calls } = failingStore(2);
    const errors: unknown[] = [];
    const buffer = bufferOn(store, clock, errors);
    const answers: Array<[number, LeaseState]> = [];
    buffer.push(settlement(0), (state) => answers.push([0, state]));
    await clock.advance(2);
    await flushPromises();
    expect(calls).toHaveLength(1);
    // Added while the store fails: waits for the retry, which takes it along.
    buffer.push(settlement(1), (state) => answers.push([1, state]));
    await clock.advance(49);
    await flushPromises();
    expect(calls).toHaveLength(1);
    await clock.advance(1);
    await flushPromises();
    // The second call failed too: the next waits twice as long.
    expect(calls).toHaveLength(2);
    await clock.advance(99);
    await flushPromises();
    expect(calls).toHaveLength(2);
    await clock.advance(1);
    await flushPromises();
    expect(calls).toEqual([['t:0'], ['t:0', 't:1'], ['t:0', 't:1']]);
    expect(answers).toEqual([
      [0, 'ok'],
      [1, 'ok'],
    ]);
    expect(errors).toHaveLength(2);
    expect(buffer.size).toBe(0);
  });

  it('close() tries until its deadline, then answers what is still unwritten lost', async () => {
    const clock = new FakeClock(0);
    const { store, calls } = failingStore(Number.POSITIVE_INFINITY);
    const buffer = bufferOn(store, clock);
    const answers: LeaseState[] = [];
    buffer.push(settlement(0), (state) => answers.push(state));
    const closed = buffer.close(1000);
    await flushPromises();
    expect(calls).toHaveLength(1);
    expect(answers).toEqual([]);
    await clock.advanceTo(999);
    await flushPromises();
    expect(answers).toEqual([]);
    await clock.advanceTo(1000);
    await closed;
    expect(answers).toEqual(['lost']);
    // 50, 100, 200, 400 ms apart, then the last try at the deadline.
    expect(calls.length).toBe(6);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a full buffer while a write is on its way makes one more call when it answers, not one per add', async () => {
    const clock = new FakeClock(0);
    const slow = slowStore();
    const buffer = new SettlementBuffer({
      store: slow.store,
      clock,
      log: silentLogger(),
      delayMs: 2,
      maxBatch: 4,
      onError: (error) => {
        throw error;
      },
      onAnswer: () => undefined,
    });
    const answers: Array<[number, LeaseState]> = [];
    for (let i = 0; i < 4; i++) buffer.push(settlement(i), (state) => answers.push([i, state]));
    expect(slow.calls).toHaveLength(1);
    // Twelve more while the first call is on its way: the buffer is full from the fourth on.
    for (let i = 4; i < 16; i++) buffer.push(settlement(i), (state) => answers.push([i, state]));
    expect(slow.calls).toHaveLength(1);
    await slow.answer();
    expect(slow.calls).toHaveLength(2);
    expect(slow.calls[1]).toEqual(Array.from({ length: 12 }, (_, i) => `t:${i + 4}`));
    await slow.answer();
    expect(slow.mostOnTheWay()).toBe(1);
    expect(answers).toEqual(Array.from({ length: 16 }, (_, i) => [i, 'ok']));
    expect(clock.pendingTimers).toBe(0);
  });
});
