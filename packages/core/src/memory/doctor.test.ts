import { describe, expect, it } from 'vitest';
import type { DoctorCheck } from '../store/store.js';
import { claimJobs, enqueueOne, LEASE_MS, lead, MINUTE, putSchedule, succeeded, T0 } from '../testing/fixtures.js';
import { idempotencyIndexKey } from './job-table.js';
import { createMemoryStore, type MemoryStore } from './memory-store.js';
import type { MemoryState } from './state.js';

/*
 * Each test breaks one invariant by reaching into the memory state (what a bug in a store
 * operation would leave), then: doctor finds exactly that, `repair` fixes it and says so,
 * and a second doctor finds nothing — or, for what cannot be fixed safely, still finds it.
 */

const NOW = T0 + 2 * MINUTE;

interface World {
  store: MemoryStore;
  state: MemoryState;
  waiting: string;
  delayed: string;
  active: string;
  train: string;
  keyed: string;
  parent: string;
  child: string;
  changes: () => number;
}

/** A store with a job in each place, and its state (private fields: reached into on purpose). */
async function world(): Promise<World> {
  let changes = 0;
  const store = createMemoryStore({ resources: { gpu: 2 }, onChange: () => changes++ });
  const state = (store as unknown as { inner: { state: MemoryState } }).inner.state;
  const parent = await enqueueOne(store, { priority: 9 });
  const child = await enqueueOne(store, { dependsOn: [parent] });
  const active = await enqueueOne(store, { priority: 9 });
  const train = await enqueueOne(store, { priority: 9, name: 'train', resources: { gpu: 1 } });
  const claimed = await claimJobs(store, 3, T0);
  const parentJob = claimed.find((job) => job.id === parent);
  if (parentJob === undefined) throw new Error('the parent was claimed');
  await store.settle([succeeded(parentJob)], T0);
  const waiting = await enqueueOne(store, { tenant: 'beta' });
  const delayed = await enqueueOne(store, { runAt: T0 + 60 * MINUTE });
  const keyed = await enqueueOne(store, { idempotencyKey: 'order-42' });
  await putSchedule(store, { id: 'every' });
  expect((await store.doctor({ repair: false, now: NOW })).findings).toEqual([]);
  const before = changes;
  return { store, state, waiting, delayed, active, train, keyed, parent, child, changes: () => changes - before };
}

/** Doctor finds exactly [check, subject]; repair fixes it and says so; then nothing is found. */
async function expectRepaired(w: World, check: DoctorCheck, subject: string): Promise<void> {
  const found = await w.store.doctor({ repair: false, now: NOW });
  expect(found.findings.map((f) => [f.check, f.subject])).toEqual([[check, subject]]);
  expect(found.findings[0]?.repaired).toBeUndefined();
  expect(w.changes()).toBe(0);
  const fixed = await w.store.doctor({ repair: true, now: NOW });
  expect(fixed.findings).toEqual([{ check, subject, message: expect.any(String), repaired: expect.any(String) }]);
  expect(w.changes()).toBe(1);
  expect((await w.store.doctor({ repair: false, now: NOW })).findings).toEqual([]);
}

/** Doctor finds exactly [check, subject], and repair leaves it (reported, not repaired). */
async function expectReportedOnly(w: World, check: DoctorCheck, subject: string): Promise<void> {
  for (const repair of [false, true, false]) {
    const report = await w.store.doctor({ repair, now: NOW });
    expect(report.findings).toEqual([{ check, subject, message: expect.any(String) }]);
  }
  expect(w.changes()).toBe(0);
}

const job = (w: World, id: string) => {
  const found = w.state.jobs.get(id);
  if (found === undefined) throw new Error(`job ${id} is kept`);
  return found;
};

describe('memory store doctor', () => {
  it('counts what it checked', async () => {
    const w = await world();
    const report = await w.store.doctor({ repair: false, now: NOW });
    expect(report.checked).toEqual({ tenants: 2, jobs: 7, schedules: 1 });
  });

  it('files a waiting job that is in no ready queue, and it can be claimed again', async () => {
    const w = await world();
    w.state.ready.remove('beta', 5, w.waiting);
    await expectRepaired(w, 'placement', w.waiting);
    expect((await claimJobs(w.store, 10, NOW)).map((j) => j.id)).toContain(w.waiting);
  });

  it('takes a delayed job out of a ready queue', async () => {
    const w = await world();
    w.state.ready.push('acme', 5, w.delayed);
    await expectRepaired(w, 'placement', w.delayed);
  });

  it('recounts a ready band whose size drifted', async () => {
    const w = await world();
    const band = (w.state.ready as unknown as { bands: { size: number }[] }).bands[5];
    if (band === undefined) throw new Error('band 5 exists');
    band.size += 3;
    await expectRepaired(w, 'counts', 'band 5');
  });

  it('files a delayed job missing from the delayed index at its runAt', async () => {
    const w = await world();
    w.state.delayed.delete(w.delayed);
    await expectRepaired(w, 'indexes', w.delayed);
    expect(w.state.delayed.peek()).toBe(T0 + 60 * MINUTE);
  });

  it('rebuilds an index heap that lost entries', async () => {
    const w = await world();
    (w.state.delayed as unknown as { heap: unknown[] }).heap = [];
    await expectRepaired(w, 'indexes', 'delayed index');
    expect(w.state.delayed.peek()).toBe(T0 + 60 * MINUTE);
  });

  it('files an active job missing from the lease index', async () => {
    const w = await world();
    w.state.leases.delete(w.active);
    await expectRepaired(w, 'leases', w.active);
  });

  it('drops a lease entry whose job is not kept', async () => {
    const w = await world();
    w.state.leases.set('acme:ghost', T0);
    await expectRepaired(w, 'leases', 'acme:ghost');
  });

  it('reports an active job with no lease, and leaves it', async () => {
    const w = await world();
    job(w, w.active).lease = undefined;
    await expectReportedOnly(w, 'leases', w.active);
  });

  it('relists a job missing from the listing', async () => {
    const w = await world();
    w.state.jobs.listing.delete(job(w, w.keyed));
    await expectRepaired(w, 'indexes', w.keyed);
    expect((await w.store.listJobs({ limit: 50 })).jobs.map((j) => j.id)).toContain(w.keyed);
  });

  it("recounts a tenant's active jobs", async () => {
    const w = await world();
    w.state.limits.started('acme');
    await expectRepaired(w, 'counts', 'acme');
  });

  it('sets units held of a resource to what the active jobs hold', async () => {
    const w = await world();
    w.state.holdings.stopped(job(w, w.train));
    await expectRepaired(w, 'gates', 'resource gpu');
  });

  it('rebuilds the children index when a child is missing from it', async () => {
    const w = await world();
    (w.state.jobs.childrenOf(w.parent) as Set<string>).delete(w.child);
    await expectRepaired(w, 'dependencies', w.child);
  });

  it('queues the ended parent of a blocked child that nothing would release', async () => {
    const w = await world();
    w.state.pendingParents.delete(w.parent);
    await expectRepaired(w, 'dependencies', w.child);
    const fence = await lead(w.store, 'c1', NOW, LEASE_MS);
    expect(await w.store.releaseDependents(fence, NOW, 10)).toBe(1);
    expect((await w.store.getJob(w.child))?.status).toBe('waiting');
  });

  it('drops a queued parent that has not ended', async () => {
    const w = await world();
    w.state.pendingParents.set(w.waiting, T0);
    await expectRepaired(w, 'dependencies', w.waiting);
  });

  it('files an idempotency key its job holds, so the key dedupes again', async () => {
    const w = await world();
    w.state.jobs.dropUnique(idempotencyIndexKey('acme', 'order-42'));
    await expectRepaired(w, 'idempotency', 'acme/idempotency key "order-42"');
    const [again] = await w.store.enqueue([{ ...job(w, w.keyed), id: 'acme:again' }], NOW);
    expect(again).toEqual({ id: w.keyed, status: 'waiting', created: false });
  });

  it('drops an idempotency key that names no kept job', async () => {
    const w = await world();
    w.state.jobs.setUnique(idempotencyIndexKey('acme', 'lost'), 'acme:gone');
    await expectRepaired(w, 'idempotency', 'acme/idempotency key "lost"');
  });

  it('reports two jobs holding one key, and leaves them', async () => {
    const w = await world();
    w.state.jobs.insert({ ...structuredClone(job(w, w.keyed)), id: 'acme:twin', status: 'succeeded' });
    await expectReportedOnly(w, 'idempotency', 'acme/idempotency key "order-42"');
  });

  it("sets a schedule's nextFireAt that is not a fire time of its trigger", async () => {
    const w = await world();
    const schedule = w.state.schedules.get('acme', 'every');
    if (schedule === undefined) throw new Error('the schedule is kept');
    w.state.schedules.put({ ...schedule, nextFireAt: T0 + 7 });
    await expectRepaired(w, 'schedules', 'acme/every');
    expect((await w.store.getSchedule('acme', 'every'))?.nextFireAt).toBe(NOW + MINUTE);
  });

  it('files an unpaused schedule missing from the due index', async () => {
    const w = await world();
    const schedule = w.state.schedules.get('acme', 'every');
    if (schedule === undefined) throw new Error('the schedule is kept');
    schedule.paused = true;
    w.state.schedules.put(schedule);
    schedule.paused = false;
    await expectRepaired(w, 'schedules', 'acme/every');
    expect(await w.store.dueSchedules(NOW, 10)).toHaveLength(1);
  });

  it("recounts a tenant's schedules", async () => {
    const w = await world();
    (w.state.schedules.keptCounts() as Map<string, number>).set('beta', 4);
    await expectRepaired(w, 'counts', 'beta');
  });
});
