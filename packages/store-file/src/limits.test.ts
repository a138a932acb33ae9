import { writeFile } from 'node:fs/promises';
import { serialize } from 'node:v8';
import { type ClaimedJob, createMemoryStore, type Store } from '@cadenza/core';
import { allJobs, newJob, scheduleDefinition, tempFolder } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import { createFileStore, type FileStoreFormat } from './index.js';

const T0 = Date.UTC(2026, 0, 1);
const SECOND = 1000;
const folder = tempFolder('store-file', 'state');

const enqueueMany = async (store: Store, n: number, tenant: string): Promise<void> => {
  const jobs = Array.from({ length: n }, () => newJob({ tenant }));
  await store.enqueue(jobs, T0);
};
const claimJobs = (store: Store, limit: number, now = T0): Promise<ClaimedJob[]> =>
  store.claim({ workerId: 'w1', limit, leaseMs: 30_000, now });
const succeed = (store: Store, job: ClaimedJob, now: number) =>
  store.settle([{ jobId: job.id, token: job.lease.token, outcome: 'succeeded', result: null }], now);
const LIMITS = { acme: { rate: 1, burst: 2 }, beta: { maxActive: 1 } };

const tenantsOf = async (store: Store, now: number) => (await claimJobs(store, 10, now)).map((job) => job.tenant);

describe.each(['json', 'snapshot'] satisfies FileStoreFormat[])('file store tenant limits (%s)', (format) => {
  it('reopened, keeps the rate buckets and the active count: no fresh burst, no extra place', async () => {
    const path = folder.file(format);
    const first = await createFileStore({ path, format, tenantLimits: LIMITS });
    await enqueueMany(first, 5, 'acme');
    await enqueueMany(first, 2, 'beta');
    const claimed = await claimJobs(first, 10);
    expect(claimed.map((job) => job.tenant).sort()).toEqual(['acme', 'acme', 'beta']);
    await first.close();

    const second = await createFileStore({ path, format, tenantLimits: LIMITS });
    expect(await tenantsOf(second, T0 + SECOND / 2)).toEqual([]);
    expect(await tenantsOf(second, T0 + SECOND)).toEqual(['acme']);
    const beta = claimed.find((job) => job.tenant === 'beta');
    if (beta === undefined) throw new Error('no beta job claimed');
    await succeed(second, beta, T0 + SECOND);
    expect(await tenantsOf(second, T0 + SECOND)).toEqual(['beta']);
    await second.close();
  });

  it('refuses a bad limit as the caller’s own error, even with a file to read', async () => {
    const path = folder.file(format);
    await (await createFileStore({ path, format })).close();
    await expect(createFileStore({ path, format, tenantLimits: { acme: { burst: 2 } } })).rejects.toMatchObject({
      code: 'invalid_argument',
      field: 'tenantLimits.acme.burst',
    });
  });
});

describe('file store reads an older format', () => {
  it('a format 1 JSON file (before rate buckets): every bucket starts full', async () => {
    const path = folder.file('json');
    const { buckets: _, ...state } = createMemoryStore().exportState();
    await writeFile(path, JSON.stringify({ ...state, format: 1 }));
    const store = await createFileStore({ path, format: 'json', tenantLimits: LIMITS });
    await enqueueMany(store, 3, 'acme');
    expect(await tenantsOf(store, T0)).toEqual(['acme', 'acme']);
    await store.close();
  });
});

describe.each(['json', 'snapshot'] satisfies FileStoreFormat[])('file store resources (%s)', (format) => {
  const GPU = { resources: { gpu: 1 } };
  const template = { ...scheduleDefinition().job, resources: { gpu: 1 } };

  it('reopened, keeps what jobs and templates declare, and the units active jobs hold', async () => {
    const path = folder.file(format);
    const first = await createFileStore({ path, format, ...GPU });
    await first.enqueue(
      [newJob({ name: 'train', resources: { gpu: 1 } }), newJob({ name: 'train', resources: { gpu: 1 } })],
      T0,
    );
    await first.upsertSchedule(scheduleDefinition({ job: template }), T0);
    const [active] = await claimJobs(first, 10);
    if (active === undefined) throw new Error('nothing claimed');
    await first.close();

    const second = await createFileStore({ path, format, ...GPU });
    const jobs = await allJobs(second);
    expect(jobs.map((job) => job.resources)).toEqual([{ gpu: 1 }, { gpu: 1 }]);
    expect((await second.getSchedule('acme', 'digest'))?.job.resources).toEqual({ gpu: 1 });
    expect(await claimJobs(second, 10, T0 + 1)).toEqual([]);
    await succeed(second, active, T0 + 2);
    expect(await claimJobs(second, 10, T0 + 3)).toHaveLength(1);
    await second.close();
  });

  it('a job without resources comes back without the field', async () => {
    const path = folder.file(format);
    const first = await createFileStore({ path, format });
    await enqueueMany(first, 1, 'acme');
    await first.close();
    const second = await createFileStore({ path, format });
    const [job] = await allJobs(second);
    expect(job === undefined ? true : 'resources' in job).toBe(false);
    await second.close();
  });

  it('opens a format 2 file (before resources) with capacities given', async () => {
    const path = folder.file(format);
    const seed = createMemoryStore();
    await seed.enqueue([newJob({ name: 'train' }), newJob({ name: 'train' })], T0);
    const state = { ...seed.exportState(), format: 2 };
    await writeFile(path, format === 'json' ? JSON.stringify(state) : serialize(state));
    const store = await createFileStore({ path, format, jobConcurrency: { train: 1 } });
    expect(await claimJobs(store, 10)).toHaveLength(1);
    await store.close();
  });

  it('refuses a bad capacity as the caller’s own error, even with a file to read', async () => {
    const path = folder.file(format);
    await (await createFileStore({ path, format })).close();
    await expect(createFileStore({ path, format, jobConcurrency: { train: 0 } })).rejects.toMatchObject({
      code: 'invalid_argument',
      field: 'jobConcurrency.train',
    });
  });
});
