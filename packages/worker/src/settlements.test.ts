// The settlement buffer on its own: one settle call on its way at a time, however many
// settlements arrive meanwhile, each answered once, in order.
import { FakeClock, flushPromises, type LeaseState, type Settlement, type Store, silentLogger } from '@cadenza/core';
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

describe('SettlementBuffer', () => {
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
