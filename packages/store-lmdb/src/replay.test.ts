// Random sequences of every kind of write, made through several stores on one file (each
// with its own copy of the state), with small checkpoints, options changed on the way, and
// the leader's calls: every copy must end equal, and equal to a copy loaded afresh from the
// file. What is checked is that replaying the log decides as the call did (claim order,
// fairness, limits, capacities, lease tokens), whichever process replays it and from
// whichever checkpoint.
import { deserialize, serialize } from 'node:v8';
import { type ClaimedJob, type Fence, jobFromSchedule, planFires } from '@cadenza/core';
import { newJob, scheduleDefinition, seededRandom, tempFolder } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import { createLmdbStore, type LmdbStore } from './index.js';
import { META, openLmdbFile } from './lmdb-file.js';

const folder = tempFolder('store-lmdb', 'lmdb');
const T0 = Date.UTC(2026, 0, 1);
const TENANTS = ['acme', 'beta', 'gamma'];
const OPTIONS = {
  minCheckpointBytes: 16_384,
  tenantWeights: { acme: 3, beta: 1 },
  tenantLimits: { gamma: { maxActive: 2 } },
  resources: { gpu: 2 },
};

async function run(seed: number): Promise<void> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const path = folder.file();
  const stores: LmdbStore[] = [await createLmdbStore({ path, ...OPTIONS }), await createLmdbStore({ path })];
  const held: ClaimedJob[] = [];
  const ids: string[] = [];
  let fence: Fence | undefined;
  let now = T0;
  const done = new Map(
    ['child', 'settle', 'cancel or retry', 'promote', 'retention', 'fire', 'trigger', 'pause', 'repair'].map((kind) => [
      kind,
      0,
    ]),
  );
  /** Runs a call that may be refused (a job no longer there, a stale fence): a refusal changes nothing, and is part of the sequence. */
  const attempt = async (kind: string, call: () => Promise<unknown>): Promise<void> => {
    try {
      await call();
      done.set(kind, (done.get(kind) ?? 0) + 1);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === undefined || code === 'unavailable') throw error;
    }
  };
  for (let step = 0; step < 600; step++) {
    now += Math.floor(random() * 2000);
    const store = pick(stores);
    const roll = random();
    if (roll < 0.3) {
      const jobs = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
        newJob(
          {
            tenant: pick(TENANTS),
            priority: Math.floor(random() * 10),
            ...(random() < 0.2 ? { resources: { gpu: 1 } } : {}),
            ...(random() < 0.2 ? { runAt: now + 5000 } : {}),
          },
          now,
        ),
      );
      if (random() < 0.2 && ids.length > 0) {
        // A child of a job that may be gone by now: refused then, which is part of the test.
        const child = newJob({ tenant: pick(TENANTS), dependsOn: [pick(ids)] }, now);
        await attempt('child', async () => ids.push(...(await store.enqueue([child], now)).map((result) => result.id)));
      }
      for (const result of await store.enqueue(jobs, now)) ids.push(result.id);
    } else if (roll < 0.5) {
      held.push(
        ...(await store.claim({ workerId: `w${step % 3}`, limit: 1 + Math.floor(random() * 3), leaseMs: 4000, now })),
      );
    } else if (roll < 0.65 && held.length > 0) {
      const job = held.splice(Math.floor(random() * held.length), 1)[0];
      if (job === undefined) continue;
      const outcome = pick(['succeeded', 'failed', 'released'] as const);
      const { id: jobId, lease } = job;
      done.set('settle', (done.get('settle') ?? 0) + 1);
      await store.settle(
        [
          outcome === 'succeeded'
            ? { jobId, token: lease.token, outcome, result: step }
            : outcome === 'failed'
              ? { jobId, token: lease.token, outcome, error: { code: 'handler_error', message: 'no' } }
              : { jobId, token: lease.token, outcome },
        ],
        now,
      );
    } else if (roll < 0.7 && held.length > 0) {
      await store.heartbeat(
        held.map((job) => ({ jobId: job.id, token: job.lease.token })),
        4000,
        now,
      );
    } else if (roll < 0.75 && ids.length > 0) {
      const id = pick(ids);
      await attempt('cancel or retry', () => (random() < 0.5 ? store.cancel(id, now) : store.retry(id, now)));
    } else if (roll < 0.9) {
      fence = (await store.acquireLeadership('leader', 10_000, now)) ?? fence;
      const current = fence;
      if (current !== undefined) {
        await attempt('promote', () => store.promoteDelayed(current, now, 10));
        await attempt('promote', () => store.recoverExpiredLeases(current, now, 10));
        await attempt('promote', () => store.releaseDependents(current, now, 10));
        if (random() < 0.2)
          await attempt('retention', () => store.applyRetention(current, { maxAgeMs: 20_000, maxCount: 15 }, now));
        // Fired as the coordinator fires them (planFires, jobFromSchedule).
        const fires = (await store.dueSchedules(now, 3)).flatMap((schedule) => {
          const plan = planFires(schedule, now);
          if (schedule.nextFireAt === undefined) return [];
          return [
            {
              tenant: schedule.tenant,
              scheduleId: schedule.id,
              expectedNextFireAt: schedule.nextFireAt,
              jobs: plan.fireTimes.map((at) => jobFromSchedule(schedule, at, now)),
              nextFireAt: plan.nextFireAt,
            },
          ];
        });
        if (fires.length > 0) await attempt('fire', () => store.recordFires(current, fires, now));
      }
    } else if (roll < 0.97) {
      const id = `s${Math.floor(random() * 3)}`;
      const verb = random();
      if (verb < 0.35) await store.upsertSchedule(scheduleDefinition({ id }), now);
      else if (verb < 0.6) await attempt('trigger', () => store.triggerSchedule('acme', id, now));
      else if (verb < 0.8) await attempt('pause', () => store.setSchedulePaused('acme', id, random() < 0.5, now));
      else if (verb < 0.9) await store.deleteSchedule('acme', id);
      else await attempt('repair', () => store.doctor({ repair: true, now }));
    } else if (stores.length < 4) {
      // A process joins, from the last checkpoint and the log after it; the second one to
      // join changes the weights, which every copy adopts at that point of the log.
      stores.push(await createLmdbStore({ path, ...(stores.length === 3 ? { tenantWeights: { beta: 5 } } : {}) }));
    }
  }
  const states = stores.map((store) => store.exportState());
  // The sequence went through what it is meant to: each kind of call answered, not refused, at least once.
  expect([...done.entries()].filter(([, count]) => count === 0)).toEqual([]);
  expect(stores.length).toBe(4);
  const fresh = await createLmdbStore({ path });
  for (const state of states) expect(state).toEqual(fresh.exportState());
  expect((await fresh.doctor({ repair: false, now })).findings).toEqual([]);
  await Promise.all([...stores, fresh].map((store) => store.close()));
  // …across checkpoints: the copies that started early reloaded from them on the way.
  const file = openLmdbFile(path);
  expect(deserialize(file.meta.get(META.checkpointSeq) ?? serialize(0))).toBeGreaterThan(0);
  await file.root.close();
}

describe('replaying the log', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`gives every copy the same state (seed ${seed})`, async () => {
      await run(seed);
    });
  }
});
