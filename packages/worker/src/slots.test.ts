// A worker's slots on their own: how many jobs run, per handler and overall, how many are
// held in hand, and which waiting job starts when a slot frees.
import { describe, expect, it } from 'vitest';
import type { Attempt } from './attempt.js';
import { Slots } from './slots.js';

let made = 0;

/** Slots read only an attempt's job name (and its identity). */
function attempt(name: string): Attempt {
  made++;
  return { job: { id: `t:${made}`, name } } as unknown as Attempt;
}

/** `total` slots; the handler `one` runs one job at a time, every other name is unlimited. */
function slots(total: number): Slots {
  return new Slots(total, (name) => (name === 'one' ? 1 : undefined));
}

describe('Slots', () => {
  it('starts up to its total at once; the next waits, and starts when one gives its place back', () => {
    const s = slots(2);
    const [a, b, c] = [attempt('x'), attempt('x'), attempt('x')];
    expect(s.take(a)).toBe(true);
    expect(s.take(b)).toBe(true);
    expect(s.free).toBe(0);
    expect(s.take(c)).toBe(false);
    expect(s.free).toBe(-1);
    expect(s.give(a, true)).toEqual([c]);
    expect(s.free).toBe(0);
    expect(s.give(b, true)).toEqual([]);
    expect(s.give(c, true)).toEqual([]);
    expect(s.free).toBe(2);
  });

  it("holds a handler's jobs beyond its own limit while others start in the free slots", () => {
    const s = slots(4);
    const [one1, one2, other] = [attempt('one'), attempt('one'), attempt('x')];
    expect(s.take(one1)).toBe(true);
    expect(s.take(one2)).toBe(false);
    expect(s.take(other)).toBe(true);
    // The other job's end frees a slot, but `one` is still at its limit.
    expect(s.give(other, true)).toEqual([]);
    expect(s.give(one1, true)).toEqual([one2]);
  });

  it('promotes first come first served, skipping a job whose handler is at its limit', () => {
    const s = slots(2);
    const [running1, running2] = [attempt('one'), attempt('x')];
    s.take(running1);
    s.take(running2);
    const [blocked, first, second] = [attempt('one'), attempt('x'), attempt('x')];
    for (const a of [blocked, first, second]) expect(s.take(a)).toBe(false);
    // One slot frees: the first waiting job that may start takes it, not the blocked one.
    expect(s.give(running2, true)).toEqual([first]);
    // `one`'s job ends: its waiting job starts before the later `x`.
    expect(s.give(running1, true)).toEqual([blocked]);
    expect(s.give(first, true)).toEqual([second]);
  });

  it('starts no waiting job while the worker stops, and a waiting job given back leaves the queue', () => {
    const s = slots(1);
    const [running, waiting, later] = [attempt('x'), attempt('x'), attempt('x')];
    s.take(running);
    s.take(waiting);
    s.take(later);
    // Draining: the running job's place comes back, nothing new starts.
    expect(s.give(running, false)).toEqual([]);
    // The waiting job is released without running: it never held a slot.
    expect(s.give(waiting, true)).toEqual([]);
    expect(s.free).toBe(0);
    expect(s.give(later, true)).toEqual([]);
    expect(s.free).toBe(1);
  });

  it('holds `prefetch` jobs in hand beyond its total, starting them one by one as slots free', () => {
    const s = slots(1);
    s.prefetch = 2;
    expect(s.free).toBe(3);
    const [a, b, c] = [attempt('x'), attempt('x'), attempt('x')];
    expect([s.take(a), s.take(b), s.take(c)]).toEqual([true, false, false]);
    expect(s.free).toBe(0);
    expect(s.give(a, true)).toEqual([b]);
    expect(s.free).toBe(1);
    s.prefetch = 0;
    expect(s.free).toBe(-1);
    expect(s.give(b, true)).toEqual([c]);
    expect(s.give(c, true)).toEqual([]);
    expect(s.free).toBe(1);
  });
});
