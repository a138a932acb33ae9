import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClaimedJob, createMemoryStore, type Job, type JobQuery, type NewJob, type Store } from '@cadenza/core';
import { allJobs, newJob, seededRandom } from '@cadenza/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';

const T0 = Date.UTC(2026, 0, 1);
const dir = mkdtempSync(join(tmpdir(), 'cadenza-sqlite-differential-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What both stores answered: a value, or a refusal's code. */
async function outcome<T>(call: () => Promise<T>): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await call() };
  } catch (error) {
    return { error: (error as { code?: unknown }).code ?? String(error) };
  }
}

/** A job as compared: lease tokens are random per store, so only whether one is held. */
function comparable(job: Job | undefined): unknown {
  if (job === undefined) return undefined;
  return { ...job, lease: job.lease === undefined ? undefined : { ...job.lease, token: 'held' } };
}

function isJob(value: unknown): value is Job {
  return typeof value === 'object' && value !== null && 'lease' in value && 'status' in value;
}

/** An answer as compared: jobs (alone or in a list) through `comparable`. */
function strip(answer: { value: unknown } | { error: unknown }): unknown {
  if (!('value' in answer)) return answer;
  const value = answer.value;
  if (Array.isArray(value) && value.every(isJob)) return { value: value.map(comparable) };
  return isJob(value) ? { value: comparable(value) } : answer;
}

/** Filters compared at the end: each alone and in pairs, paged 3 at a time. */
const LIST_FILTERS: Omit<JobQuery, 'limit'>[] = [
  { tenant: 'a' },
  { status: 'succeeded' },
  { status: 'failed' },
  { name: 'report.build' },
  { tag: 'red' },
  { tenant: 'b', status: 'waiting' },
  { name: 'email.send', status: 'failed' },
  { tenant: 'c', name: 'report.build' },
  { tenant: 'a', tag: 'blue' },
  { status: 'succeeded', tag: 'red', include: { result: true } },
];

/**
 * The whole job lifecycle at random (enqueue with parents and delays, claims, every kind
 * of settlement, cancel, retry, promote, lease recovery, dependency release, retention)
 * against the memory store and the SQLite store; every answer and, at the end, every job
 * must be the same.
 */
async function lifecycle(seed: number, steps: number): Promise<void> {
  const rnd = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(rnd() * items.length)];
  const stores: Store[] = [
    createMemoryStore({ tenantWeights: { a: 2 } }),
    createSqliteStore({ path: join(dir, `life-${seed}.db`), tenantWeights: { a: 2 } }),
  ];
  const ids: { id: string; tenant: string }[] = [];
  const active: ClaimedJob[][] = [];
  const both = async <T>(call: (store: Store, index: number) => Promise<T>, what: string): Promise<T | undefined> => {
    const [memory, sqlite] = [
      await outcome(() => call(stores[0] as Store, 0)),
      await outcome(() => call(stores[1] as Store, 1)),
    ];
    expect(strip(sqlite), what).toEqual(strip(memory));
    return 'value' in memory ? memory.value : undefined;
  };
  try {
    const fences = await Promise.all(stores.map((s) => s.acquireLeadership('c', 1e12, T0)));
    for (let step = 0; step < steps; step++) {
      const now = T0 + step * 100;
      const roll = rnd();
      const at = `step ${step}`;
      if (roll < 0.3) {
        const batch: NewJob[] = [];
        for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) {
          const tenant = pick(['a', 'b', 'c']) ?? 'a';
          const own = [...ids, ...batch].filter((j) => j.tenant === tenant);
          const parents = rnd() < 0.4 ? [pick(own)?.id].filter((p): p is string => p !== undefined) : [];
          batch.push(
            newJob(
              {
                tenant,
                name: pick(['email.send', 'report.build']) ?? 'email.send',
                tags: pick([[], ['red'], ['red', 'blue'], ['blue']]) ?? [],
                priority: pick([3, 5, 5, 8]) ?? 5,
                maxAttempts: 1 + Math.floor(rnd() * 3),
                dependsOn: parents,
                runAt: rnd() < 0.2 ? now + Math.floor(rnd() * 2000) : undefined,
                idempotencyKey: rnd() < 0.1 ? `k${Math.floor(rnd() * 5)}` : undefined,
              },
              now,
            ),
          );
        }
        await both((s) => s.enqueue(batch, now), `${at} enqueue`);
        ids.push(...batch.map((j) => ({ id: j.id, tenant: j.tenant })));
      } else if (roll < 0.5) {
        const limit = 1 + Math.floor(rnd() * 3);
        const claimed: ClaimedJob[][] = [];
        await both(async (s, i) => {
          const jobs = await s.claim({ workerId: 'w', limit, leaseMs: 1000, now });
          claimed[i] = jobs;
          return jobs;
        }, `${at} claim`);
        (claimed[0] ?? []).forEach((job, i) => {
          const twin = claimed[1]?.[i];
          if (twin !== undefined) active.push([job, twin]);
        });
      } else if (roll < 0.65 && active.length > 0) {
        const [pair] = active.splice(Math.floor(rnd() * active.length), 1);
        const kind = Math.floor(rnd() * 4);
        await both((s, i) => {
          const job = pair?.[i] as ClaimedJob;
          const base = { jobId: job.id, token: job.lease.token };
          const error = { code: 'handler_error', message: 'no' };
          if (kind === 0) return s.settle([{ ...base, outcome: 'succeeded', result: { step } }], now);
          if (kind === 1) return s.settle([{ ...base, outcome: 'failed', error }], now);
          if (kind === 2) return s.settle([{ ...base, outcome: 'failed', error, retryAt: now + 500 }], now);
          return s.settle([{ ...base, outcome: 'released' }], now);
        }, `${at} settle`);
      } else if (roll < 0.72) {
        const target = pick(ids)?.id ?? 'a:none';
        await both((s) => s.cancel(target, now), `${at} cancel`);
      } else if (roll < 0.78) {
        const target = pick(ids)?.id ?? 'a:none';
        await both((s) => s.retry(target, now), `${at} retry`);
      } else if (roll < 0.98) {
        const limit = 1 + Math.floor(rnd() * 5);
        await both((s, i) => s.promoteDelayed(fences[i] as never, now, limit), `${at} promote`);
        await both((s, i) => s.recoverExpiredLeases(fences[i] as never, now, limit), `${at} recover`);
        await both((s, i) => s.releaseDependents(fences[i] as never, now, limit), `${at} release`);
        await both((s) => s.nextDueAt(), `${at} nextDueAt`);
      } else {
        const policy = { maxAgeMs: 5000, maxCount: 1 + Math.floor(rnd() * 10) };
        await both((s, i) => s.applyRetention(fences[i] as never, policy, now), `${at} retention`);
      }
    }
    const whole = { include: { payload: true, result: true } };
    await both((s) => allJobs(s, { ...whole, limit: 10_000 }), 'every job at the end');
    for (const filters of LIST_FILTERS) {
      await both((s) => allJobs(s, { ...filters, limit: 3 }), `list ${JSON.stringify(filters)} at the end`);
    }
    await both((s) => s.depths(), 'depths at the end');
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
}

describe('the whole lifecycle matches the memory store', () => {
  for (const seed of [11, 12, 13, 14]) {
    it(`random lifecycle, seed ${seed}`, async () => {
      await lifecycle(seed, 500);
    });
  }
});
