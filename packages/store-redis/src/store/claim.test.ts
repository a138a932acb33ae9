import type { ClaimedJob } from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { countRoundTrips, newJob } from '../testing/jobs.test-helpers.js';
import { redisPerFile } from '../testing/redis-per-file.test-helpers.js';
import { decodeClaimAnswer } from './claim-answer.js';
import type { RedisStore } from './redis-store.js';

// What core's conformance tests cannot show: how the Claimer's one-round-trip path under
// load (the band that filled the last call is claimed from while the index is read) meets
// tenants and bands that get work meanwhile, and claims that meet an index entry whose
// tenant has nothing left (another worker took it, or it was canceled).
const NOW = 1_700_000_000_000;
const claimOf = (limit: number) => ({ workerId: 'w1', limit, leaseMs: 30_000, now: NOW });

const file = redisPerFile();

function freshStore(): RedisStore {
  return file.freshStore().store;
}

async function enqueue(store: RedisStore, tenant: string, count: number, priority = 5): Promise<void> {
  await store.enqueue(
    Array.from({ length: count }, () => newJob(tenant, priority)),
    NOW,
  );
}

/** Claims one job at a time until one of `tenant` comes (or `max` calls); answers how many calls that took. */
async function callsUntil(store: RedisStore, tenant: string, max: number): Promise<number> {
  for (let call = 1; call <= max; call++) {
    const jobs: ClaimedJob[] = await store.claim(claimOf(1));
    if (jobs.some((job) => job.tenant === tenant)) return call;
  }
  return Number.POSITIVE_INFINITY;
}

describe('redis store: claims under load meet new work', () => {
  it('serves a tenant that joins a band another tenant keeps filling, within two calls', async () => {
    const store = freshStore();
    await enqueue(store, 'big', 200);
    // Calls that each fill their limit: from the second on, the busy band is claimed from
    // in the round trip that reads the index.
    for (let i = 0; i < 3; i++) expect((await store.claim(claimOf(1))).map((j) => j.tenant)).toEqual(['big']);
    await enqueue(store, 'small', 1);
    // One call sees it in the index (its job already went to big), the next hands it the turn.
    expect(await callsUntil(store, 'small', 50)).toBeLessThanOrEqual(2);
  });

  it('serves a higher band that gets work while a lower one keeps every call full, within two calls', async () => {
    const store = freshStore();
    await enqueue(store, 'big', 200, 5);
    for (let i = 0; i < 3; i++) expect(await store.claim(claimOf(1))).toHaveLength(1);
    await enqueue(store, 'urgent', 1, 9);
    expect(await callsUntil(store, 'urgent', 50)).toBeLessThanOrEqual(2);
  });

  it('fills a call from the others when the turn falls on a tenant with nothing left', async () => {
    const store = freshStore();
    // 'aaa' sorts first, so a fresh claimer's first turn is its; its one job is canceled,
    // which leaves its index entry (only a claimer removes one, on finding the band empty).
    const canceled = newJob('aaa', 5);
    await store.enqueue([canceled], NOW);
    await store.cancel(canceled.id, NOW);
    await enqueue(store, 'big', 20);
    // A short answer tells a worker that the queue is empty: it would then wait for a
    // signal (or its poll) with big's jobs waiting.
    expect((await store.claim(claimOf(1))).map((j) => j.tenant)).toEqual(['big']);
    expect((await store.claim(claimOf(3))).map((j) => j.tenant)).toEqual(['big', 'big', 'big']);
  });

  it('still claims from a busy band of one tenant in one round trip per call', async () => {
    const store = freshStore();
    await enqueue(store, 'big', 200);
    expect(await store.claim(claimOf(10))).toHaveLength(10);
    const trips = await countRoundTrips(file.redis);
    for (let i = 0; i < 5; i++) expect(await store.claim(claimOf(10))).toHaveLength(10);
    expect(trips.count()).toBe(5);
  });
});

describe('a claim answer', () => {
  it('is decoded by name: counts, limited, offered parked jobs, then the jobs', () => {
    expect(decodeClaimAnswer('acme', [3, 1, 2, 5, 1, 'job1', 'r:gpu=1 n:report=1'])).toEqual({
      left: 3,
      limited: true,
      parked: 2,
      read: 5,
      pairs: [['job1', 'r:gpu=1 n:report=1']],
      jobs: [],
    });
    expect(decodeClaimAnswer('acme', undefined)).toEqual({
      left: 0,
      limited: false,
      parked: 0,
      read: 0,
      pairs: [],
      jobs: [],
    });
  });
});
