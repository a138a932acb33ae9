import { describe, expect, it } from 'vitest';
import type { Store } from '../store/store.js';
import {
  claimJobs,
  enqueueMany,
  enqueueOne,
  failed,
  LEASE_MS,
  lead,
  MINUTE,
  newJob,
  putSchedule,
  SECOND,
  succeeded,
  T0,
} from '../testing/fixtures.js';
import { fireOf } from '../testing/schedule-fixtures.js';
import { createMemoryStore, type MemoryStore } from './memory-store.js';
import { MEMORY_STATE_FORMAT, type MemoryStateSnapshot } from './state-snapshot.js';

const WEIGHTS = { acme: 2, beta: 1 };

/** A store holding every kind of state the memory store keeps. */
async function richStore(): Promise<MemoryStore> {
  const store = createMemoryStore({ tenantWeights: WEIGHTS });
  const fence = await lead(store, 'c1');
  // Waiting jobs in two tenants and two bands; a partial claim leaves the round robin mid-turn.
  await enqueueMany(store, 3, { tenant: 'acme' });
  await enqueueMany(store, 3, { tenant: 'beta' });
  await enqueueMany(store, 2, { tenant: 'acme', priority: 8 });
  const [a, b, c] = await claimJobs(store, 3, T0 + 1);
  if (a === undefined || b === undefined || c === undefined) throw new Error('nothing claimed');
  await store.settle([succeeded(a), failed(b)], T0 + 2);
  // c stays active (a lease). Then one canceled, one delayed, one idempotency key.
  await store.cancel(await enqueueOne(store, { tenant: 'beta' }), T0 + 3);
  await enqueueOne(store, { runAt: T0 + MINUTE });
  await enqueueOne(store, { tenant: 'beta', idempotencyKey: 'order-1' });
  // A parent with children: blocked, then a failed parent leaves a pending parent.
  const parent = await enqueueOne(store, { tenant: 'gamma', priority: 0 });
  await enqueueOne(store, { tenant: 'gamma', dependsOn: [parent] });
  await store.cancel(parent, T0 + 4);
  const other = await enqueueOne(store, { tenant: 'gamma', priority: 1 });
  await enqueueOne(store, { tenant: 'gamma', dependsOn: [other] });
  // Schedules: one fired (a fired pair), one paused, one due at the same instant (tie order).
  const digest = await putSchedule(store);
  await store.recordFires(fence, [fireOf(digest, [T0 + MINUTE], T0 + 2 * MINUTE)], T0 + MINUTE);
  await putSchedule(store, { id: 'paused', paused: true });
  await putSchedule(store, { id: 'other', tenant: 'beta' });
  // A second leader term, so the epoch is 2.
  await store.releaseLeadership(fence);
  await lead(store, 'c2', T0 + 5);
  return store;
}

/** What a store does next: claim order, due times, leadership, schedules due. */
async function behaviour(store: Store): Promise<unknown> {
  const now = T0 + 10 * MINUTE;
  return {
    nextDueAt: await store.nextDueAt(),
    leader: await store.getLeadership(T0 + 6),
    due: (await store.dueSchedules(now, 10)).map((s) => `${s.tenant}/${s.id}`),
    depths: await store.depths(),
    claimed: (await claimJobs(store, 20, T0 + 7, 'w2')).map((j) => j.id),
    retake: await store.acquireLeadership('c3', LEASE_MS, now),
  };
}

describe('memory store state snapshots', () => {
  it('round-trips every kind of state: export → import → export gives the same snapshot', async () => {
    const store = await richStore();
    const snapshot = store.exportState();
    expect(snapshot.format).toBe(MEMORY_STATE_FORMAT);
    const statuses = new Set(snapshot.jobs.map((j) => j.status));
    expect([...statuses].sort()).toEqual([
      'active',
      'blocked',
      'canceled',
      'delayed',
      'failed',
      'succeeded',
      'waiting',
    ]);
    expect(snapshot.idempotencyKeys).toHaveLength(1);
    expect(snapshot.firedPairs).toHaveLength(1);
    expect(snapshot.children.length).toBeGreaterThan(0);
    expect(snapshot.pendingParents).toHaveLength(1);
    expect(snapshot.leases).toHaveLength(1);
    expect(snapshot.delayed).toHaveLength(1);
    expect(snapshot.schedules).toHaveLength(3);
    expect(snapshot.leadership).toMatchObject({ lastEpoch: 2, holder: { nodeId: 'c2', epoch: 2 } });
    expect(snapshot.ready.some((band) => band.served > 0 || band.cursor > 0)).toBe(true);

    const copy = createMemoryStore({ tenantWeights: WEIGHTS, initialState: snapshot });
    expect(copy.exportState()).toStrictEqual(snapshot);
    // And through JSON, as store-file writes it: fields that JSON leaves out come back undefined.
    const fromJson = createMemoryStore({ tenantWeights: WEIGHTS, initialState: JSON.parse(JSON.stringify(snapshot)) });
    expect(fromJson.exportState()).toStrictEqual(snapshot);
  });

  it('a restored store behaves as the original: claim order, turns, keys, fires, epochs', async () => {
    const original = await richStore();
    const restored = createMemoryStore({ tenantWeights: WEIGHTS, initialState: original.exportState() });
    expect(await behaviour(restored)).toEqual(await behaviour(original));

    // Idempotency keys and fired pairs still hold.
    const again = newJob({ tenant: 'beta', idempotencyKey: 'order-1' });
    const [first] = await original.enqueue([again], T0 + 8);
    const [second] = await restored.enqueue([again], T0 + 8);
    expect(second).toEqual(first);
    expect(second?.created ?? false).toBe(false);
    const triggered = await restored.triggerSchedule('acme', 'digest', T0 + MINUTE);
    expect(triggered.scheduledFor).toBe(T0 + MINUTE);
    expect(await restored.getJobs([triggered.id])).toHaveLength(1);
    expect((await restored.listJobs({ limit: 100 })).jobs.filter((j) => j.scheduleId === 'digest')).toHaveLength(1);
  });

  it('the snapshot is a copy: later changes and edits do not leak either way', async () => {
    const store = await richStore();
    const snapshot = store.exportState();
    const before = structuredClone(snapshot);
    await enqueueOne(store, { tenant: 'delta' }, T0 + SECOND);
    expect(snapshot).toStrictEqual(before);
    const copy = createMemoryStore({ tenantWeights: WEIGHTS, initialState: snapshot });
    const job = snapshot.jobs[0];
    if (job !== undefined) job.status = 'canceled';
    expect(copy.exportState()).toStrictEqual(before);
  });

  it('calls onChange after each successful write, never after a query or a refusal', async () => {
    let changes = 0;
    const store = createMemoryStore({ onChange: () => changes++ });
    await enqueueOne(store);
    expect(changes).toBe(1);
    await store.listJobs({ limit: 10 });
    await store.getLeadership(T0);
    expect(changes).toBe(1);
    await expect(store.cancel('acme:nope', T0)).rejects.toMatchObject({ code: 'not_found' });
    expect(changes).toBe(1);
    await store.cancel((await store.listJobs({ limit: 1 })).jobs[0]?.id ?? '', T0);
    expect(changes).toBe(2);
  });

  it('an onChange that throws does not fail the write', async () => {
    const store = createMemoryStore({
      onChange: () => {
        throw new Error('observer broke');
      },
    });
    await expect(enqueueOne(store)).resolves.toBeTypeOf('string');
  });

  describe('tenant limits', () => {
    const LIMITS = { acme: { rate: 1, burst: 2 }, beta: { maxActive: 1 } };

    /** acme's bucket emptied at T0, beta at its maxActive. */
    async function limitedStore(): Promise<MemoryStore> {
      const store = createMemoryStore({ tenantLimits: LIMITS });
      await enqueueMany(store, 5, { tenant: 'acme' });
      await enqueueMany(store, 2, { tenant: 'beta' });
      const tenants = (await claimJobs(store, 10)).map((job) => job.tenant).sort();
      expect(tenants).toEqual(['acme', 'acme', 'beta']);
      return store;
    }

    it('carries the rate buckets, so that a restored store hands out no fresh burst', async () => {
      const snapshot = (await limitedStore()).exportState();
      expect(snapshot.buckets).toEqual([['acme', 0, T0]]);
      for (const initialState of [snapshot, JSON.parse(JSON.stringify(snapshot))]) {
        const restored = createMemoryStore({ tenantLimits: LIMITS, initialState });
        expect(restored.exportState()).toStrictEqual(snapshot);
        // Half a second refills half a token; beta still has its one job active.
        expect(await claimJobs(restored, 10, T0 + SECOND / 2)).toEqual([]);
        expect((await claimJobs(restored, 10, T0 + SECOND)).map((job) => job.tenant)).toEqual(['acme']);
      }
    });

    it('recounts the active jobs on import: an ended job still gives its place back', async () => {
      const original = await limitedStore();
      const restored = createMemoryStore({ tenantLimits: LIMITS, initialState: original.exportState() });
      const [active] = (await restored.listJobs({ tenant: 'beta', status: 'active', limit: 10 })).jobs;
      if (active?.lease === undefined) throw new Error('no active beta job');
      await restored.settle([succeeded({ ...active, lease: active.lease })], T0 + 1);
      expect((await claimJobs(restored, 10, T0 + 2)).map((job) => job.tenant)).toEqual(['beta']);
    });

    it('reads a format 1 snapshot (before buckets): every bucket starts full', async () => {
      const { buckets: _, ...older } = { ...(await limitedStore()).exportState(), format: 1 };
      const restored = createMemoryStore({
        tenantLimits: LIMITS,
        initialState: older as unknown as MemoryStateSnapshot,
      });
      expect(restored.exportState()).toMatchObject({ format: MEMORY_STATE_FORMAT, buckets: [] });
      expect((await claimJobs(restored, 10)).map((job) => job.tenant)).toEqual(['acme', 'acme']);
    });
  });

  describe('what the dashboard reads (format 4)', () => {
    /** A job retried once (a past attempt) and one that succeeded: activity in two minutes. */
    async function dashboardStore(): Promise<{ store: MemoryStore; id: string }> {
      const store = createMemoryStore();
      const id = await enqueueOne(store, { maxAttempts: 2 });
      const [first] = await claimJobs(store, 1, T0 + SECOND);
      if (first === undefined) throw new Error('nothing claimed');
      await store.settle([failed(first, T0 + 2 * SECOND)], T0 + 2 * SECOND);
      const [second] = await claimJobs(store, 1, T0 + MINUTE);
      if (second === undefined) throw new Error('nothing claimed');
      await store.settle([succeeded(second)], T0 + MINUTE);
      return { store, id };
    }

    it('keeps activity and past attempts, through JSON too', async () => {
      const { store, id } = await dashboardStore();
      const snapshot = JSON.parse(JSON.stringify(store.exportState())) as MemoryStateSnapshot;
      const restored = createMemoryStore({ initialState: snapshot });
      const query = { now: T0 + MINUTE, minutes: 2 };
      expect(await restored.activity(query)).toEqual(await store.activity(query));
      expect(await restored.activity(query)).toEqual([
        { at: T0, succeeded: 0, failed: 0, retried: 1 },
        { at: T0 + MINUTE, succeeded: 1, failed: 0, retried: 0 },
      ]);
      expect(await restored.pastAttempts(id)).toEqual(await store.pastAttempts(id));
      expect(await restored.pastAttempts(id)).toHaveLength(1);
      expect(restored.exportState()).toEqual(store.exportState());
    });

    it('reads a format 3 snapshot (before them): no activity, no past attempts', async () => {
      const { store, id } = await dashboardStore();
      const { activity: _a, pastAttempts: _p, ...older } = { ...store.exportState(), format: 3 };
      const restored = createMemoryStore({ initialState: older as unknown as MemoryStateSnapshot });
      expect(restored.exportState()).toMatchObject({ format: MEMORY_STATE_FORMAT, activity: [], pastAttempts: [] });
      expect(await restored.pastAttempts(id)).toEqual([]);
      expect((await restored.getJob(id))?.status).toBe('succeeded');
    });

    it('refuses past attempts of a job it does not keep', () => {
      const snapshot = { ...createMemoryStore().exportState(), pastAttempts: [['acme:ghost', []]] };
      expect(() => createMemoryStore({ initialState: snapshot as MemoryStateSnapshot })).toThrow(
        /pastAttempts\.0: names job acme:ghost/,
      );
    });
  });

  describe('refuses a bad snapshot, naming what is wrong', () => {
    const valid = (): MemoryStateSnapshot => createMemoryStore().exportState();
    const cases: [string, unknown, RegExp][] = [
      ['not an object', 'hello', /initialState: not a cadenza state snapshot/],
      ['no format', { jobs: [] }, new RegExp(`initialState\\.format: got nothing, expected ${MEMORY_STATE_FORMAT}`)],
      ['a newer format', { ...valid(), format: MEMORY_STATE_FORMAT + 1 }, /was written by a newer cadenza/],
      ['a missing field', { ...valid(), jobs: undefined }, /initialState\.jobs/],
      ['no buckets (format 2 on)', { ...valid(), buckets: undefined }, /initialState\.buckets/],
      ['a negative bucket', { ...valid(), buckets: [['acme', -1, T0]] }, /initialState\.buckets\.0/],
      ['a bad job', { ...valid(), jobs: [{ id: 'x', status: 'lost' }] }, /initialState\.jobs\.0/],
      ['an unknown job in an index', { ...valid(), delayed: [['acme:ghost', T0]] }, /delayed\.0: names job acme:ghost/],
    ];
    for (const [what, snapshot, message] of cases) {
      it(what, () => {
        expect(() => createMemoryStore({ initialState: snapshot as MemoryStateSnapshot })).toThrow(message);
      });
    }
  });
});
