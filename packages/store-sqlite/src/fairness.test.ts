import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClaimedJob, createMemoryStore, type Store } from '@cadenza/core';
import { newJob, seededRandom } from '@cadenza/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';

const T0 = Date.UTC(2026, 0, 1);
const dir = mkdtempSync(join(tmpdir(), 'cadenza-sqlite-fairness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TENANTS = ['a', 'b', 'c', 'd'];
const WEIGHTS = { a: 3, b: 1, c: 2 };

/**
 * Runs one random mix of enqueues, claims (some for a few tenants only), cancels,
 * releases and immediate retries against the memory store (the reference) and the SQLite
 * store, and expects the same jobs claimed in the same order.
 */
async function differential(seed: number, steps: number): Promise<void> {
  const rnd = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const memory = createMemoryStore({ tenantWeights: WEIGHTS });
  const sqlite = createSqliteStore({ path: join(dir, `diff-${seed}.db`), tenantWeights: WEIGHTS });
  const stores: Store[] = [memory, sqlite];
  const waiting: string[] = [];
  const active: ClaimedJob[][] = [];
  try {
    for (let step = 0; step < steps; step++) {
      const now = T0 + step;
      const roll = rnd();
      if (roll < 0.45) {
        const jobs = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () =>
          newJob({ tenant: pick(TENANTS), priority: pick([2, 5, 5, 9]) }, now),
        );
        for (const store of stores) await store.enqueue(jobs, now);
        waiting.push(...jobs.map((j) => j.id));
      } else if (roll < 0.8) {
        const limit = 1 + Math.floor(rnd() * 4);
        const tenants = rnd() < 0.2 ? [pick(TENANTS), pick(TENANTS)] : undefined;
        const request = { workerId: 'w', limit, leaseMs: 1000, now, ...(tenants ? { tenants } : {}) };
        const [fromMemory, fromSqlite] = await Promise.all(stores.map((s) => s.claim(request)));
        expect(
          fromSqlite?.map((j) => j.id),
          `step ${step}`,
        ).toEqual(fromMemory?.map((j) => j.id));
        if (fromMemory !== undefined && fromSqlite !== undefined) {
          fromMemory.forEach((job, i) => {
            const twin = fromSqlite[i];
            if (twin !== undefined) active.push([job, twin]);
          });
        }
      } else if (roll < 0.88 && waiting.length > 0) {
        const id = pick(waiting);
        const states = await Promise.all(stores.map((s) => s.getJob(id)));
        if (states[0]?.status === 'waiting') for (const store of stores) await store.cancel(id, now);
      } else if (active.length > 0) {
        const [pair] = active.splice(Math.floor(rnd() * active.length), 1);
        if (pair === undefined) continue;
        const outcome = rnd() < 0.5 ? 'released' : 'failed';
        await Promise.all(
          stores.map((store, i) => {
            const job = pair[i] as ClaimedJob;
            return store.settle(
              [
                outcome === 'released'
                  ? { jobId: job.id, token: job.lease.token, outcome: 'released' }
                  : {
                      jobId: job.id,
                      token: job.lease.token,
                      outcome: 'failed',
                      error: { code: 'x', message: 'y' },
                      retryAt: now,
                    },
              ],
              now,
            );
          }),
        );
      }
    }
    expect(await sqlite.depths()).toEqual(await memory.depths());
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
}

describe('claim order matches the memory store', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`random mix, seed ${seed}`, async () => {
      await differential(seed, 400);
    });
  }
});
