import { CadenzaError, createMemoryStore, FakeClock, flushPromises, prepareSchedule, type Store } from '@cadenza/core';
import { allJobs, drive, newJob, spyStore } from '@cadenza/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Coordinator } from './coordinator.js';
import type { CoordinatorOptions } from './options.js';

const running: Coordinator[] = [];
let clock: FakeClock;

function coordinator(store: Store, options: Partial<CoordinatorOptions> = {}): Coordinator {
  const c = new Coordinator({ store, clock, id: `c${running.length + 1}`, ...options });
  running.push(c);
  return c;
}

afterEach(async () => {
  await drive(clock, Promise.all(running.splice(0).map((c) => c.stop())));
  // Leak check: a stopped coordinator leaves no timer behind.
  expect(clock.pendingTimers).toBe(0);
});

describe('Coordinator leadership', () => {
  it('a second coordinator on the same store does not lead until the first stops', async () => {
    clock = new FakeClock('2026-01-01T00:00:00Z');
    const store = createMemoryStore();
    const a = coordinator(store);
    const b = coordinator(store);
    await a.start();
    await b.start();
    expect(a.isLeader).toBe(true);
    expect(b.isLeader).toBe(false);
    await clock.advance(60_000); // many renewals and follower attempts
    expect(a.isLeader).toBe(true);
    expect(b.isLeader).toBe(false);
    const epochA = a.leadership?.epoch ?? 0;
    const bLeads = b.once('leader');
    await drive(clock, a.stop());
    const event = await drive(clock, bLeads, 10_000);
    expect(b.isLeader).toBe(true);
    expect(event.epoch).toBeGreaterThan(epochA);
  });

  it("refuses a stale leader's fenced write; it steps down and fires nothing", async () => {
    clock = new FakeClock('2026-01-01T00:00:00Z');
    const store = createMemoryStore();
    const a = coordinator(store, { tickMaxMs: 60_000 });
    const firstTick = a.once('tick');
    await a.start();
    await drive(clock, firstTick, 0);
    const fenceA = a.leadership;
    if (fenceA === undefined) throw new Error('a should lead');
    // Behind a's back (as a network partition would): the lease goes to another node.
    await store.releaseLeadership(fenceA);
    const other = await store.acquireLeadership('intruder', 10_000, clock.now());
    expect(other?.epoch).toBeGreaterThan(fenceA.epoch);
    const definition = prepareSchedule('s1', { name: 'noop', every: 60_000 });
    await store.upsertSchedule(definition, clock.now() - 120_000);
    const steppedDown = a.once('follower');
    a.wake();
    const event = await drive(clock, steppedDown, 1000);
    expect(event.reason).toBe('stale_epoch');
    expect(a.isLeader).toBe(false);
    expect((await store.getSchedule('default', 's1'))?.runCount).toBe(0);
    // Once the other lease lapses, a leads again under a new epoch and does the work.
    const fired = a.once('fired');
    const back = await drive(clock, a.once('leader'), 60_000);
    expect(back.epoch).toBeGreaterThan(other?.epoch ?? 0);
    const firedEvent = await drive(clock, fired, 1000);
    expect((await store.getSchedule('default', 's1'))?.runCount).toBeGreaterThan(0);
    // What the fire-lag metric needs: the job name, when it was written and each fire's time.
    expect(firedEvent).toMatchObject({ tenant: 'default', scheduleId: 's1', name: 'noop' });
    for (const at of firedEvent.scheduledFor) expect(firedEvent.at).toBeGreaterThanOrEqual(at);
  });

  it('steps down at once when a renewal is refused', async () => {
    clock = new FakeClock('2026-01-01T00:00:00Z');
    const { store, overrides } = spyStore(createMemoryStore());
    const a = coordinator(store, { leaseTtlMs: 9000 });
    await a.start();
    overrides.renewLeadership = () => Promise.resolve(undefined);
    const event = await drive(clock, a.once('follower'), 10_000);
    expect(event.reason).toBe('renew_failed');
    expect(clock.now()).toBe(Date.parse('2026-01-01T00:00:03Z'));
  });

  it('stops acting before its lease could expire when renewals hang', async () => {
    clock = new FakeClock('2026-01-01T00:00:00Z');
    const { store, overrides } = spyStore(createMemoryStore());
    const a = coordinator(store, { leaseTtlMs: 10_000 });
    await a.start();
    const expiresAt = a.leadership?.expiresAt ?? 0;
    overrides.renewLeadership = () => new Promise(() => {});
    const event = await drive(clock, a.once('follower'), 20_000);
    expect(event.reason).toBe('lease_deadline');
    expect(clock.now()).toBeLessThan(expiresAt);
    expect(a.isLeader).toBe(false);
  });

  it('validates its options with errors naming the field', () => {
    clock = new FakeClock();
    const store = createMemoryStore();
    expect(() => new Coordinator({ store, clock, id: 'x', leaseTtlMs: 1000, renewEveryMs: 900 })).toThrow(
      /renewEveryMs: got 900/,
    );
    expect(() => new Coordinator({ store, clock, id: '' })).toThrow(CadenzaError);
    expect(() => new Coordinator({ store, clock, id: 'x', batchSize: 0 })).toThrow(/batchSize/);
  });
});

describe('Coordinator tick', () => {
  it('fires a batch of due schedules in one recordFires call, in batches until none are left', async () => {
    clock = new FakeClock('2026-01-01T00:00:00Z');
    const { store, calls } = spyStore(createMemoryStore());
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      await store.upsertSchedule(prepareSchedule(id, { name: 'noop', every: 60_000 }), clock.now());
    }
    const c = coordinator(store, { batchSize: 2, tickMaxMs: 3_600_000 });
    const fired: string[] = [];
    c.on('fired', (e) => fired.push(e.scheduleId));
    await c.start();
    await drive(
      clock,
      c.once('tick', (t) => t.schedulesFired > 0),
      120_000,
    );
    expect(fired.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(calls.recordFires).toHaveLength(3); // 2 + 2 + 1
    const jobs = await allJobs(store);
    expect(jobs).toHaveLength(5);
    for (const j of jobs) expect(j.scheduledFor).toBe(Date.parse('2026-01-01T00:01:00Z'));
  });

  it('sleeps until the next due time and promotes a delayed job exactly then', async () => {
    clock = new FakeClock('2026-01-01T00:00:00Z');
    const store = createMemoryStore();
    const c = coordinator(store, { tickMaxMs: 3_600_000 });
    await c.start();
    const runAt = clock.now() + 5_000;
    const [result] = await store.enqueue([newJob({ tenant: 'default', runAt }, clock.now())], clock.now());
    expect(result?.status).toBe('delayed');
    c.wake(); // what a store signal would do
    const tick = await drive(
      clock,
      c.once('tick', (t) => t.promoted > 0),
      10_000,
    );
    expect(tick.at).toBe(runAt);
    expect((await store.getJob(result?.id ?? ''))?.status).toBe('waiting');
  });

  it('applies retention when leading, every retentionEveryMs', async () => {
    clock = new FakeClock('2026-01-01T00:00:00Z');
    const { store, calls } = spyStore(createMemoryStore());
    const c = coordinator(store, { retentionEveryMs: 60_000, tickMaxMs: 10_000, leaseTtlMs: 60_000 });
    await c.start();
    await flushPromises();
    expect(calls.applyRetention).toHaveLength(1);
    await clock.advance(60_000);
    expect(calls.applyRetention).toHaveLength(2);
    await clock.advance(59_000);
    expect(calls.applyRetention).toHaveLength(2);
    expect(c.lastTickAt).toBeDefined();
  });
});
