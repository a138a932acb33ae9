import { definedOnly } from '@cadenza/core';
import { newJobId } from '@cadenza/core/store-kit';
import { newJob } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import { tenantKeys } from '../keys.js';
import { redisPerFile } from '../testing/redis-per-file.test-helpers.js';
import type { RedisStore } from './redis-store.js';

// What core's listing tests cannot see: pages come from the creation log and the status
// index a slice at a time, so a call's work is bounded whatever the tenant holds.
const T0 = Date.UTC(2026, 0, 1);

const file = redisPerFile();

/** Every page of a query, as the list of ids per page. */
async function pages(store: RedisStore, query: Parameters<RedisStore['listJobs']>[0]): Promise<string[][]> {
  const out: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listJobs({ ...query, ...definedOnly({ cursor }) });
    out.push(page.jobs.map((job) => job.id));
    cursor = page.nextCursor;
  } while (cursor !== undefined && out.length < 1000);
  return out;
}

describe('redis store: listing', () => {
  it('answers a short page with a cursor rather than reading a whole tenant for a rare name', async () => {
    const { store } = file.freshStore();
    const rare = Array.from({ length: 3 }, () => newJob({ name: 'rare.job' }, T0));
    await store.enqueue(rare, T0);
    for (let k = 0; k < 30; k++) {
      await store.enqueue(
        Array.from({ length: 1000 }, () => newJob({}, T0 + 1 + k)),
        T0 + 1 + k,
      );
    }
    const first = await store.listJobs({ tenant: 'acme', name: 'rare.job', limit: 10 });
    // 30,000 newer jobs to look past; one call looks at 20,000 at most.
    expect(first.jobs).toEqual([]);
    expect(first.nextCursor).toBeDefined();
    const second = await store.listJobs({ tenant: 'acme', name: 'rare.job', limit: 10, cursor: first.nextCursor });
    expect(second.jobs.map((j) => j.id)).toEqual(rare.map((j) => j.id).reverse());
    expect(second.nextCursor).toBeUndefined();
  }, 60_000);

  it('lists a status from its index: two failed jobs among thousands that succeeded, in one page', async () => {
    const { store, prefix } = file.freshStore();
    await store.enqueue(
      Array.from({ length: 3000 }, (_, i) => newJob({}, T0 + i)),
      T0,
    );
    const claimed = await store.claim({ workerId: 'w', limit: 3000, leaseMs: 30_000, now: T0 });
    const failed = new Set([claimed[10]?.id, claimed[2000]?.id]);
    await store.settle(
      claimed.map((job) =>
        failed.has(job.id)
          ? { jobId: job.id, token: job.lease.token, outcome: 'failed' as const, error: { code: 'x', message: 'no' } }
          : { jobId: job.id, token: job.lease.token, outcome: 'succeeded' as const, result: { big: 'r'.repeat(100) } },
      ),
      T0,
    );
    expect(await file.redis.zcard(tenantKeys(prefix, 'acme').index)).toBe(3000);
    await file.redis.config('RESETSTAT');
    const page = await store.listJobs({ tenant: 'acme', status: 'failed', limit: 10 });
    expect(page.jobs.map((j) => j.id).sort()).toEqual([...failed].sort());
    expect(page.nextCursor).toBeUndefined();
    // One slice: the two members of the index and their records, not 3,000 jobs.
    const stats = await file.redis.info('commandstats');
    expect(Number(/cmdstat_hget:calls=(\d+)/.exec(stats)?.[1] ?? 0)).toBeLessThan(10);
  }, 60_000);

  it('pages three tenants with shared instants newest first, each job once, across statuses', async () => {
    const { store } = file.freshStore();
    const ids: string[] = [];
    for (let k = 0; k < 12; k++) {
      const jobs = ['acme', 'beta', 'gamma'].map((tenant) => newJob({ tenant }, T0 + Math.floor(k / 4)));
      await store.enqueue(jobs, T0 + Math.floor(k / 4));
      ids.push(...jobs.map((j) => j.id));
    }
    await store.claim({ workerId: 'w', limit: 7, leaseMs: 30_000, now: T0 });
    const paged = await pages(store, { limit: 5 });
    const flat = paged.flat();
    expect(new Set(flat)).toEqual(new Set(ids));
    expect(flat).toHaveLength(ids.length);
    const whole = (await store.listJobs({ limit: 100 })).jobs;
    expect(whole.map((j) => j.id)).toEqual(flat);
    for (let i = 1; i < whole.length; i++) {
      expect((whole[i - 1]?.createdAt ?? 0) >= (whole[i]?.createdAt ?? 0)).toBe(true);
    }
    expect((await pages(store, { status: 'active', limit: 3 })).flat()).toHaveLength(7);
    expect((await pages(store, { status: 'waiting', limit: 3 })).flat()).toHaveLength(29);
  });

  it('keeps a job created with a clock behind the log: listed by arrival, its createdAt as given', async () => {
    const { store } = file.freshStore();
    const ahead = newJob({}, T0 + 60_000);
    await store.enqueue([ahead], T0 + 60_000);
    const behind = { ...newJob({}, T0), id: newJobId('acme', T0) };
    await store.enqueue([behind], T0);
    const listed = (await store.listJobs({ limit: 10 })).jobs;
    expect(listed.map((j) => j.id)).toEqual([behind.id, ahead.id]);
    expect(listed[0]?.createdAt).toBe(T0);
    expect((await store.getJob(behind.id))?.createdAt).toBe(T0);
  });

  it('forgets deleted jobs: retention counts them out of their log entry, which goes with its last job', async () => {
    const { store, prefix } = file.freshStore();
    const keys = tenantKeys(prefix, 'acme');
    // 250 jobs of one batch fill three log entries (100, 100, 50), oldest first.
    await store.enqueue(
      Array.from({ length: 250 }, () => newJob({}, T0)),
      T0,
    );
    expect(await file.redis.xlen(keys.log)).toBe(3);
    const runAll = async (limit: number, now: number) => {
      const claimed = await store.claim({ workerId: 'w', limit, leaseMs: 30_000, now });
      await store.settle(
        claimed.map((job) => ({ jobId: job.id, token: job.lease.token, outcome: 'succeeded' as const, result: 1 })),
        now,
      );
    };
    // The first 100 finish first, so retention deletes the first entry's jobs first.
    await runAll(100, T0);
    await runAll(30, T0 + 1);
    const fence = await store.acquireLeadership('c1', 30_000, T0);
    if (fence === undefined) throw new Error('no lease');
    const policy = { maxCount: 5, maxAgeMs: Number.POSITIVE_INFINITY };
    expect(await store.applyRetention(fence, policy, T0 + 1)).toBe(125);
    // The first entry went with its last job; the others count the jobs they still have.
    expect(await file.redis.xlen(keys.log)).toBe(2);
    const counts = Object.values(await file.redis.hgetall(keys.logCounts)).map(Number);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(125);
    expect(await file.redis.zcard(keys.index)).toBe(5);
    const listed = (await pages(store, { limit: 7 })).flat();
    expect(listed).toHaveLength(125);
    expect(new Set(listed).size).toBe(125);
    await runAll(120, T0 + 2);
    expect(await store.applyRetention(fence, { ...policy, maxCount: 0 }, T0 + 2)).toBe(125);
    expect(await file.redis.exists(keys.log, keys.logCounts, keys.index)).toBe(0);
  });

  it('lists active jobs from the lease index, newest first across pages, with no status index member for them', async () => {
    const { store, prefix } = file.freshStore();
    const keys = tenantKeys(prefix, 'acme');
    // 250 jobs over 25 instants (several log entries), claimed in three calls at other times
    // (so lease expiries do not follow creation order); the oldest 50 then finish.
    const jobs = Array.from({ length: 250 }, (_, i) => newJob({}, T0 + Math.floor(i / 10)));
    for (let i = 0; i < 250; i += 10) await store.enqueue(jobs.slice(i, i + 10), T0 + i / 10);
    const claimed = [
      ...(await store.claim({ workerId: 'w', limit: 100, leaseMs: 90_000, now: T0 + 100 })),
      ...(await store.claim({ workerId: 'w', limit: 100, leaseMs: 30_000, now: T0 + 200 })),
      ...(await store.claim({ workerId: 'w', limit: 100, leaseMs: 60_000, now: T0 + 300 })),
    ];
    expect(claimed).toHaveLength(250);
    await store.settle(
      claimed
        .slice(0, 50)
        .map((job) => ({ jobId: job.id, token: job.lease.token, outcome: 'succeeded' as const, result: undefined })),
      T0 + 400,
    );
    const newestFirst = jobs.map((job) => job.id).reverse();
    const paged = await pages(store, { status: 'active', limit: 17 });
    expect(paged.flat()).toEqual(newestFirst.slice(0, 200));
    expect(paged.every((page, k) => page.length === 17 || k === paged.length - 1)).toBe(true);
    // The same order as the whole list, filtered.
    const all = (await pages(store, { limit: 100 })).flat();
    expect(all.filter((id) => newestFirst.slice(0, 200).includes(id))).toEqual(newestFirst.slice(0, 200));
    // Only the 50 finished jobs are in the status index.
    expect(await file.redis.zcard(keys.index)).toBe(50);
  });

  it('retention drops status index members an earlier version wrote for active jobs', async () => {
    const { store, prefix } = file.freshStore();
    const keys = tenantKeys(prefix, 'acme');
    await store.enqueue([newJob({}, T0)], T0);
    await store.claim({ workerId: 'w', limit: 1, leaseMs: 30_000, now: T0 });
    // As an earlier version kept them: 'a', then the job's place and id.
    await file.redis.zadd(keys.index, 0, 'a\u0000\u0000\u0000\u0000\u0000\u0001stale1', 0, 'a\u0000\u0001stale2');
    await file.redis.zadd(keys.index, 0, 's\u0000\u0001kept');
    const fence = await store.acquireLeadership('c1', 30_000, T0);
    if (fence === undefined) throw new Error('no lease');
    await store.applyRetention(fence, { maxCount: 1_000, maxAgeMs: Number.POSITIVE_INFINITY }, T0);
    expect(await file.redis.zrange(keys.index, 0, -1)).toEqual(['s\u0000\u0001kept']);
    expect((await store.listJobs({ status: 'active', limit: 10 })).jobs).toHaveLength(1);
  });
});
