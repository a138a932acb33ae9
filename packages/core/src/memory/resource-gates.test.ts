import { describe, expect, it } from 'vitest';
import { claimJobs, enqueueMany, enqueueOne, lead, putSchedule, succeeded, T0 } from '../testing/fixtures.js';
import { fireOf, scheduleJob } from '../testing/schedule-fixtures.js';
import { createMemoryStore } from './memory-store.js';
import { MAX_SKIPPED_PER_CLAIM, MAX_SKIPPED_PER_QUEUE } from './ready-queues.js';
import { MEMORY_STATE_FORMAT, type MemoryStateSnapshot } from './state-snapshot.js';

const GPU = { resources: { gpu: 1 } };

describe('memory store resources and job concurrency', () => {
  it('passes over a bounded number of jobs that do not fit in a queue, and other tenants still go on', async () => {
    const store = createMemoryStore(GPU);
    await enqueueMany(store, MAX_SKIPPED_PER_QUEUE + 2, { tenant: 'acme', name: 'train', resources: { gpu: 1 } });
    expect(await claimJobs(store, 1)).toHaveLength(1);
    // acme's email waits behind more jobs that do not fit than one claim looks at in a queue.
    await enqueueOne(store, { tenant: 'acme', name: 'email.send' });
    await enqueueOne(store, { tenant: 'beta', name: 'email.send' });
    expect((await claimJobs(store, 10, T0 + 1)).map((job) => job.tenant)).toEqual(['beta']);
    expect(await claimJobs(store, 10, T0 + 2)).toEqual([]);
  });

  it('passes over a bounded number of jobs in all, across tenants', async () => {
    const store = createMemoryStore(GPU);
    const tenants = Math.ceil(MAX_SKIPPED_PER_CLAIM / 50) + 1;
    for (let i = 0; i < tenants; i++) {
      await enqueueMany(store, 50, { tenant: `t${i}`, name: 'train', resources: { gpu: 1 } });
    }
    expect(await claimJobs(store, 1)).toHaveLength(1);
    // The last tenant to be served has an email behind its trainings: out of this claim's reach.
    await enqueueOne(store, { tenant: `t${tenants - 1}`, name: 'email.send' });
    expect(await claimJobs(store, 10, T0 + 1)).toEqual([]);
    // Its own job, though, is reached by a claim for that tenant alone.
    const own = await store.claim({
      workerId: 'w1',
      limit: 10,
      leaseMs: 30_000,
      now: T0 + 2,
      tenants: [`t${tenants - 1}`],
    });
    expect(own.map((job) => job.name)).toEqual(['email.send']);
  });

  it('a claim limited by the tenant limits and the gates at once keeps both', async () => {
    const store = createMemoryStore({ jobConcurrency: { train: 2 }, tenantLimits: { acme: { maxActive: 1 } } });
    await enqueueMany(store, 2, { tenant: 'acme', name: 'train' });
    await enqueueMany(store, 3, { tenant: 'beta', name: 'train' });
    const claimed = (await claimJobs(store, 10)).map((job) => job.tenant).sort();
    expect(claimed).toEqual(['acme', 'beta']);
  });

  it('a schedule fire asking more than a capacity is let in to wait; a manual trigger is refused', async () => {
    const store = createMemoryStore(GPU);
    const fence = await lead(store);
    const schedule = await putSchedule(store, {
      job: scheduleJob({ name: 'train', resources: { gpu: 2 } }),
    });
    expect(schedule.job.resources).toEqual({ gpu: 2 });
    const fire = fireOf(schedule, [T0 + 60_000], T0 + 120_000);
    const [job] = fire.jobs;
    if (job === undefined) throw new Error('no job in the fire');
    job.resources = { gpu: 2 };
    const [result] = await store.recordFires(fence, [fire], T0 + 60_000);
    expect(result?.jobIds).toHaveLength(1);
    expect(await claimJobs(store, 10, T0 + 60_001)).toEqual([]);
    await expect(store.triggerSchedule('acme', 'digest', T0 + 60_002)).rejects.toMatchObject({
      code: 'invalid_argument',
      field: 'resources.gpu',
    });
  });

  describe('snapshots', () => {
    async function holdingStore() {
      const store = createMemoryStore(GPU);
      await enqueueMany(store, 3, { name: 'train', resources: { gpu: 1 } });
      const [active] = await claimJobs(store, 10);
      if (active === undefined) throw new Error('nothing claimed');
      return { store, active };
    }

    it('keeps what jobs and templates declare and recounts the holdings on import', async () => {
      const { store, active } = await holdingStore();
      await putSchedule(store, {
        job: scheduleJob({ name: 'train', resources: { gpu: 1 } }),
      });
      const snapshot = store.exportState();
      expect(snapshot.format).toBe(MEMORY_STATE_FORMAT);
      expect(snapshot.jobs.every((job) => job.resources?.gpu === 1)).toBe(true);
      for (const initialState of [snapshot, JSON.parse(JSON.stringify(snapshot))]) {
        const restored = createMemoryStore({ ...GPU, initialState });
        expect(restored.exportState()).toStrictEqual(snapshot);
        // The active job still holds the gpu; when it ends, the next one starts.
        expect(await claimJobs(restored, 10, T0 + 1)).toEqual([]);
        await restored.settle([succeeded(active)], T0 + 2);
        expect(await claimJobs(restored, 10, T0 + 3)).toHaveLength(1);
      }
    });

    it('reads a format 2 snapshot (before resources)', async () => {
      const store = createMemoryStore();
      await enqueueMany(store, 2, { name: 'train' });
      const older = { ...store.exportState(), format: 2 };
      const restored = createMemoryStore({
        jobConcurrency: { train: 1 },
        initialState: older as unknown as MemoryStateSnapshot,
      });
      expect(restored.exportState().format).toBe(MEMORY_STATE_FORMAT);
      expect(await claimJobs(restored, 10)).toHaveLength(1);
    });

    it('refuses a job whose resources are not whole units', async () => {
      const snapshot = (await holdingStore()).store.exportState();
      const [first, ...rest] = snapshot.jobs;
      if (first === undefined) throw new Error('no job');
      const bad = { ...snapshot, jobs: [{ ...first, resources: { gpu: 0.5 } }, ...rest] };
      expect(() => createMemoryStore({ initialState: bad })).toThrow(/initialState\.jobs\.0\.resources\.gpu/);
    });
  });
});
