import { describe, expect, it } from 'vitest';
import { Emitter } from './emitter.js';

interface Events {
  tick: number;
  done: string;
}

function emitter() {
  const errors: [unknown, string][] = [];
  const e = new Emitter<Events>((error, event) => errors.push([error, event]));
  return { e, errors };
}

describe('Emitter', () => {
  it('calls the listeners of an event in the order they were added, until removed', () => {
    const { e } = emitter();
    const seen: string[] = [];
    const offA = e.on('tick', (n) => seen.push(`a${n}`));
    e.on('tick', (n) => seen.push(`b${n}`));
    e.on('done', (s) => seen.push(s));
    e.emit('tick', 1);
    offA();
    e.emit('tick', 2);
    expect(seen).toEqual(['a1', 'b1', 'b2']);
  });

  it('emits to nobody without complaint', () => {
    const { e, errors } = emitter();
    e.emit('done', 'x');
    expect(errors).toEqual([]);
  });

  it('reports a throwing listener and still calls the others', () => {
    const { e, errors } = emitter();
    const boom = new Error('boom');
    const seen: number[] = [];
    e.on('tick', () => {
      throw boom;
    });
    e.on('tick', (n) => seen.push(n));
    expect(() => e.emit('tick', 7)).not.toThrow();
    expect(seen).toEqual([7]);
    expect(errors).toEqual([[boom, 'tick']]);
  });

  it('once resolves with the first event that passes the predicate, then stops listening', async () => {
    const { e } = emitter();
    const next = e.once('tick');
    const big = e.once('tick', (n) => n > 5);
    e.emit('tick', 1);
    e.emit('tick', 9);
    e.emit('tick', 10);
    await expect(next).resolves.toBe(1);
    await expect(big).resolves.toBe(9);
  });

  it('a listener removed while an event is emitted still gets that event', () => {
    const { e } = emitter();
    const seen: string[] = [];
    let offB = (): void => {};
    e.on('tick', () => {
      seen.push('a');
      offB();
    });
    offB = e.on('tick', () => seen.push('b'));
    e.emit('tick', 1);
    e.emit('tick', 2);
    expect(seen).toEqual(['a', 'b', 'a']);
  });

  it('a listener added while an event is emitted gets the next event, not that one', () => {
    const { e } = emitter();
    const seen: string[] = [];
    let added = false;
    e.on('tick', (n) => {
      seen.push(`a${n}`);
      if (added) return;
      added = true;
      e.on('tick', (m) => seen.push(`b${m}`));
    });
    e.emit('tick', 1);
    e.emit('tick', 2);
    expect(seen).toEqual(['a1', 'a2', 'b2']);
  });
});
