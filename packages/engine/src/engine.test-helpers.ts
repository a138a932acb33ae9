/**
 * Helpers for the engine's tests: wait for worker events, and build an engine on a memory
 * store with timings that keep long fake-time spans cheap (no poll or renewal every second
 * for days). The name ends in `.test-helpers.ts`, which the build excludes (tsconfig.json),
 * so this file never reaches dist; `drive` comes from `@cadenza/core/testing`.
 */
import { createMemoryStore, definedOnly, FakeClock, type HandlersMap, type Hooks, type Store } from '@cadenza/core';
import { drive } from '@cadenza/core/testing';
import type { WorkerEvents } from '@cadenza/worker';
import { createEngine, type Engine, type EngineOptions } from './engine.js';

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
    ...definedOnly({ hooks: options.hooks }),
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
