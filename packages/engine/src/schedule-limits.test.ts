// The engine's schedule limits: the shortest `every` (refused at the door, paced in the
// coordinator) and the most schedules per tenant, from `limits` or by default.
import {
  createMemoryStore,
  definedOnly,
  FakeClock,
  type InputLimits,
  prepareSchedule,
  type Store,
} from '@cadenza/core';
import { drive } from '@cadenza/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from './engine.js';

const HOUR = 3_600_000;
let running: { engine: Engine; clock: FakeClock } | undefined;

afterEach(async () => {
  if (running === undefined) return;
  await drive(running.clock, running.engine.stop());
  expect(running.clock.pendingTimers).toBe(0);
  running = undefined;
});

function engineWith(limits?: InputLimits): { engine: Engine; store: Store; clock: FakeClock } {
  const clock = new FakeClock('2026-01-01T00:00:00Z');
  const store = createMemoryStore();
  const engine = createEngine({
    store,
    clock,
    id: 'test',
    handlers: { tick: () => 'ok' },
    ...definedOnly({ limits }),
    coordinator: { leaseTtlMs: 3 * HOUR, tickMaxMs: HOUR },
    worker: { pollMs: HOUR },
  });
  running = { engine, clock };
  return { engine, store, clock };
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string },
  );
  if (error === undefined) throw new Error('expected a refusal');
  return error;
}

describe('the engine’s schedule limits', () => {
  it('by default refuses an every under 1,000 ms and a 1,001st schedule of a tenant', async () => {
    const { engine, store } = engineWith();
    const short = await refusal(engine.upsertSchedule('fast', { name: 'tick', every: 999 }));
    expect(short).toMatchObject({ code: 'invalid_argument' });
    expect(short.message).toMatch(/^every: got 999, expected .*from 1000 \(the minimum interval\)/);
    for (let i = 0; i < 1000; i++) await engine.upsertSchedule(`s${i}`, { name: 'tick', every: 1000 });
    const full = await refusal(engine.upsertSchedule('one-more', { name: 'tick', every: 1000 }));
    expect(full.code).toBe('resource_exhausted');
    expect(full.message).toContain('maxSchedulesPerTenant 1000');
    // Replacing is allowed; another tenant has room of its own.
    expect((await engine.upsertSchedule('s0', { name: 'tick', every: 2000 })).created).toBe(false);
    expect((await engine.upsertSchedule('s0', { name: 'tick', tenant: 'beta', every: 1000 })).created).toBe(true);
    expect(await store.getSchedule('default', 'one-more')).toBeUndefined();
    expect(await store.getSchedule('default', 'fast')).toBeUndefined();
  });

  it('takes its limits from `limits`, and paces a shorter every stored earlier to the minimum', async () => {
    const { engine, store, clock } = engineWith({ minIntervalMs: 5000, maxSchedulesPerTenant: 2 });
    const short = await refusal(engine.upsertSchedule('fast', { name: 'tick', every: 4999 }));
    expect(short.message).toContain('from 5000 (the minimum interval)');
    await engine.upsertSchedule('a', { name: 'tick', every: 5000 });
    // Stored before the minimum was raised: a 1 s cadence.
    await store.upsertSchedule(prepareSchedule('legacy', { name: 'tick', every: 1000 }), clock.now());
    const full = await refusal(engine.upsertSchedule('c', { name: 'tick', every: 5000 }));
    expect(full).toMatchObject({ code: 'resource_exhausted' });
    expect(full.message).toContain('maxSchedulesPerTenant 2');

    await engine.start();
    await drive(clock, new Promise<void>((resolve) => clock.setTimeout(resolve, 20_500)));
    const legacy = await store.getSchedule('default', 'legacy');
    // Fired at 5, 10, 15 and 20 s, not every second.
    expect(legacy).toMatchObject({ runCount: 4, lastFireAt: clock.now() - 500 });
  });

  it('refuses a bad limit when it is built, naming it', () => {
    expect(() => engineWith({ minIntervalMs: 0 })).toThrow(/limits\.minIntervalMs: got 0/);
    running = undefined;
    expect(() => engineWith({ maxSchedulesPerTenant: -1 })).toThrow(/limits\.maxSchedulesPerTenant: got -1/);
    running = undefined;
  });
});
