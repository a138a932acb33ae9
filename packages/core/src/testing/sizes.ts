import { describe, expect, it } from 'vitest';
import type { ClaimedJob, JobStatus, NewJob } from '../model/job.js';
import { MAX_BATCH_JOBS } from '../schemas/limits.js';
import type { Store } from '../store/store.js';
import {
  claimJobs,
  enqueueOne,
  expectRefusal,
  type Fixture,
  LEASE_MS,
  lead,
  MINUTE,
  newJob,
  releaseAll,
  SECOND,
  statusOf,
  succeeded,
  T0,
} from './fixtures.js';

/*
 * Every limit we allow, and past it: a batch of 10,000 jobs of one tenant, claims,
 * heartbeats and settlements of as many, 5,000 children of one parent. A store that does
 * work in one piece may meet limits of its own well below these (Lua's unpack stops near
 * 8,000 values, and Redis does not roll a script back), so each size is tried where such a
 * limit would fall (4,001 jobs = 8,002 values in pairs) and at the largest allowed.
 */
const SIZES = [4_001, MAX_BATCH_JOBS];
/** Sizes can take a second or two on a networked store. */
const SLOW = 60_000;

/** `count` ready jobs of one tenant, in order. */
function batch(count: number, fields: Partial<NewJob> = {}): NewJob[] {
  return Array.from({ length: count }, () => newJob(fields));
}

/** The store's count of `status` jobs across tenants and priorities. */
async function countOf(store: Store, status: JobStatus): Promise<number> {
  return (await store.depths()).filter((d) => d.status === status).reduce((sum, d) => sum + d.count, 0);
}

/** Claims in one call and checks that every job came once and only once. */
async function claimAll(store: Store, ids: readonly string[], now = T0): Promise<ClaimedJob[]> {
  const jobs = await claimJobs(store, ids.length, now);
  expect(jobs).toHaveLength(ids.length);
  expect(new Set(jobs.map((j) => j.id))).toEqual(new Set(ids));
  return jobs;
}

export function sizeTests(t: Fixture): void {
  describe('at every size we allow', () => {
    for (const size of SIZES) {
      it(
        `enqueues ${size} jobs of one tenant in one batch; each is claimed, heart-beaten and settled once`,
        async () => {
          const jobs = batch(size);
          const results = await t.store.enqueue(jobs, T0);
          expect(results.map((r) => r.id)).toEqual(jobs.map((j) => j.id));
          expect(results.every((r) => r.created && r.status === 'waiting')).toBe(true);
          expect(await countOf(t.store, 'waiting')).toBe(size);

          const claimed = await claimAll(
            t.store,
            jobs.map((j) => j.id),
          );
          expect(await countOf(t.store, 'active')).toBe(size);
          expect(await claimJobs(t.store, 10)).toEqual([]);

          const beats = await t.store.heartbeat(
            claimed.map((j) => ({ jobId: j.id, token: j.lease.token, progress: { at: 1 } })),
            LEASE_MS,
            T0 + SECOND,
          );
          expect(beats.filter((s) => s === 'ok')).toHaveLength(size);

          const states = await t.store.settle(
            claimed.map((j) => succeeded(j)),
            T0 + 2 * SECOND,
          );
          expect(states.filter((s) => s === 'ok')).toHaveLength(size);
          expect(await countOf(t.store, 'succeeded')).toBe(size);
          expect(await countOf(t.store, 'active')).toBe(0);
          expect(await countOf(t.store, 'waiting')).toBe(0);
        },
        SLOW,
      );

      it(
        `takes ${size} single enqueues made at once as ${size} jobs, each created once`,
        async () => {
          const jobs = batch(size);
          const results = await Promise.all(jobs.map((job) => t.store.enqueue([job], T0)));
          expect(results.map(([r]) => r?.id)).toEqual(jobs.map((j) => j.id));
          expect(results.every(([r]) => r?.created === true)).toBe(true);
          expect(await countOf(t.store, 'waiting')).toBe(size);
          await claimAll(
            t.store,
            jobs.map((j) => j.id),
          );
        },
        SLOW,
      );

      it(
        `keeps ${size} idempotency keys of one batch, and the same batch again creates nothing`,
        async () => {
          const jobs = batch(size).map((job, i) => ({ ...job, idempotencyKey: `order-${i}` }));
          const first = await t.store.enqueue(jobs, T0);
          expect(first.every((r) => r.created)).toBe(true);
          const again = jobs.map((job) => ({ ...newJob(), idempotencyKey: job.idempotencyKey }));
          const second = await t.store.enqueue(again, T0 + SECOND);
          expect(second.map((r) => r.id)).toEqual(first.map((r) => r.id));
          expect(second.some((r) => r.created)).toBe(false);
          expect(await countOf(t.store, 'waiting')).toBe(size);
        },
        SLOW,
      );

      it(
        `refuses a batch of ${size} whose last job is at fault, and writes none of it`,
        async () => {
          const taken = await enqueueOne(t.store);
          const jobs = batch(size);
          jobs[size - 1] = newJob({ id: taken });
          await expectRefusal(t.store.enqueue(jobs, T0), 'conflict');
          expect(await countOf(t.store, 'waiting')).toBe(1);
          expect(await t.store.getJob(jobs[0]?.id ?? '')).toBeUndefined();
          expect(await claimJobs(t.store, size)).toHaveLength(1);
        },
        SLOW,
      );

      it(
        `releases ${size} children of one parent once it succeeded`,
        async () => {
          const parent = await enqueueOne(t.store, { priority: 9 });
          const children = batch(size, { dependsOn: [parent] });
          const results = await t.store.enqueue(children, T0);
          expect(results.every((r) => r.status === 'blocked')).toBe(true);
          const [job] = await claimJobs(t.store, 1);
          expect(job?.id).toBe(parent);
          expect(await t.store.settle([succeeded(job as ClaimedJob)], T0)).toEqual(['ok']);

          const fence = await lead(t.store);
          expect(await releaseAll(t.store, fence, T0 + SECOND, 1000)).toBe(size);
          expect(await countOf(t.store, 'blocked')).toBe(0);
          expect(await countOf(t.store, 'waiting')).toBe(size);
          await claimAll(
            t.store,
            children.map((j) => j.id),
            T0 + SECOND,
          );
        },
        SLOW,
      );

      it(
        `takes back ${size} expired leases and promotes ${size} delayed jobs`,
        async () => {
          const jobs = batch(size, { maxAttempts: 2 });
          await t.store.enqueue(jobs, T0);
          const ids = jobs.map((j) => j.id);
          await claimAll(t.store, ids);
          const fence = await lead(t.store, 'c1', T0 + 2 * LEASE_MS);
          const recovered = await t.store.recoverExpiredLeases(fence, T0 + 2 * LEASE_MS, size);
          expect(recovered.requeued).toHaveLength(size);
          expect(await countOf(t.store, 'waiting')).toBe(size);
          const again = await claimAll(t.store, ids, T0 + 2 * LEASE_MS);
          expect(again.every((j) => j.attempt === 2)).toBe(true);

          const later = batch(size, { runAt: T0 + MINUTE });
          await t.store.enqueue(later, T0);
          expect(await countOf(t.store, 'delayed')).toBe(size);
          expect(await t.store.promoteDelayed(fence, T0 + MINUTE, size)).toBe(size);
          expect(await countOf(t.store, 'delayed')).toBe(0);
          expect(await countOf(t.store, 'waiting')).toBe(size);
        },
        SLOW,
      );
    }

    it(
      'cancels a parent of 5,000 blocked children: every child fails once',
      async () => {
        const parent = await enqueueOne(t.store);
        const children = batch(5_000, { dependsOn: [parent] });
        await t.store.enqueue(children, T0);
        expect(await countOf(t.store, 'blocked')).toBe(5_000);
        expect((await t.store.cancel(parent, T0 + SECOND)).status).toBe('canceled');

        const fence = await lead(t.store);
        expect(await releaseAll(t.store, fence, T0 + SECOND, 1000)).toBe(5_000);
        expect(await countOf(t.store, 'blocked')).toBe(0);
        expect(await countOf(t.store, 'failed')).toBe(5_000);
        const child = await t.store.getJob(children[4_999]?.id ?? '');
        expect(child?.status).toBe('failed');
        expect(child?.error?.code).toBe('dependency_failed');
        expect(await statusOf(t.store, parent)).toBe('canceled');
      },
      SLOW,
    );
  });
}
