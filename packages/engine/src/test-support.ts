/**
 * Helpers for the engine's tests (not exported from the package): drive a FakeClock
 * until something happens, and build an engine on a memory store with timings that
 * keep long fake-time spans cheap (no poll or renewal every second for days).
 */
import { createMemoryStore, FakeClock, flushPromises, type HandlersMap, type Hooks, type Store } from '@cadenza/core';
import type { WorkerEvents } from '@cadenza/worker';
import { createEngine, type Engine, type EngineOptions } from './engine.js';

/** Moves the fake clock timer by timer until `promise` settles; fails past `maxMs` of fake time. */
export async function drive<T>(clock: FakeClock, promise: Promise<T>, maxMs = 7 * 24 * 3_600_000): Promise<T> {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  tracked.catch(() => {});
  const limit = clock.now() + maxMs;
  await flushPromises();
  while (!done) {
    const next = clock.nextTimerAt();
    if (next === undefined || next > limit) {
      throw new Error(`not settled within ${maxMs} ms of fake time (next timer: ${next ?? 'none'})`);
    }
    await clock.advanceTo(Math.max(next, clock.now()));
  }
  return tracked;
}

/** Resolves after `n` worker events of one kind. */
export function events<K extends keyof WorkerEvents & string>(
  engine: Engine,
  event: K,
  n: number,
): Promise<WorkerEvents[K][]> {
  return new Promise((resolve) => {
    const seen: WorkerEvents[K][] = [];
    const off = engine.worker.on(event, (e) => {
      seen.push(e);
      if (seen.length === n) {
        off();
        resolve(seen);
      }
    });
  });
}

export interface TestEngine {
  engine: Engine;
  clock: FakeClock;
  store: Store;
}

export interface TestEngineOptions {
  start?: string;
  hooks?: Hooks;
  concurrency?: number;
  store?: Store;
  worker?: EngineOptions['worker'];
}

const HOUR = 3_600_000;

export function testEngine(handlers: HandlersMap, options: TestEngineOptions = {}): TestEngine {
  const clock = new FakeClock(options.start ?? '2026-01-01T00:00:00Z');
  const store = options.store ?? createMemoryStore();
  const engine = createEngine({
    store,
    clock,
    id: 'test',
    handlers,
    ...(options.hooks === undefined ? {} : { hooks: options.hooks }),
    // Ticks and polls are driven by due times and store signals, so hour-long fallbacks
    // make sure the tests prove that rather than passing by polling.
    coordinator: { leaseTtlMs: 3 * HOUR, tickMaxMs: HOUR },
    worker: { pollMs: HOUR, concurrency: options.concurrency ?? 10, ...options.worker },
  });
  return { engine, clock, store };
}

/** Stops the engine and checks it left no timer behind. */
export async function stopAndCheck({ engine, clock }: TestEngine): Promise<void> {
  await drive(clock, engine.stop());
  if (clock.pendingTimers !== 0) throw new Error(`${clock.pendingTimers} timers left after stop`);
}
