// Misfires after a total outage: every coordinator stops for 10 seconds, then one starts
// again. Three per-second schedules with a 1 s grace show the three policies: `skip` fires
// none of the missed times, `once` one job for the latest of them, `all` each of them;
// every policy fires the times still within the grace. Build first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ListedJob } from '@cadenza/core';
import { type RedisHarness, startRedis } from '@cadenza/store-redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, waitFor } from './cadenza-process.js';
import { type Cluster, cluster } from './cluster.js';
import { doubled, jobsOf, perSecond, report, SECOND, waitForLeader } from './ha.js';

const OUTAGE_MS = 10 * SECOND;
const GRACE_MS = SECOND;
const POLICIES = ['skip', 'once', 'all'] as const;

let redis: RedisHarness;
let dir: string;
let c: Cluster | undefined;

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'cadenza-ha-misfire-'));
  redis = await startRedis();
});
afterAll(async () => {
  await c?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * What the first tick after the outage must have fired, from what it saw: the last fire
 * before the outage and the tick's own `now` (the jobs' createdAt). The due times are the
 * whole seconds after `last` up to `now`; those before `now - grace` are missed.
 */
function expected(policy: (typeof POLICIES)[number], last: number, now: number): { fires: number[]; missed: number } {
  const due: number[] = [];
  for (let t = last + SECOND; t <= now; t += SECOND) due.push(t);
  const missed = due.filter((t) => t < now - GRACE_MS);
  const onTime = due.filter((t) => t >= now - GRACE_MS);
  const fires = policy === 'skip' ? onTime : policy === 'once' ? [...missed.slice(-1), ...onTime] : due;
  return { fires, missed: missed.length };
}

describe('misfires after every coordinator stopped for 10 s', () => {
  it('skip fires none of the missed times, once the latest, all each of them', async () => {
    c = cluster(redis, join(dir, 'runs.log'), ['--log-level', 'info']);
    const cl = c;
    const coordinators = [await cl.coordinator('m1'), await cl.coordinator('m2')];
    await waitForLeader(cl, () => true);
    for (const misfire of POLICIES) await perSecond(cl, misfire, { misfire, misfireGraceMs: GRACE_MS });
    const lastFire = async (id: string) => (await cl.store.getSchedule('default', id))?.lastFireAt ?? 0;
    await waitFor('two fires of every schedule', async () => {
      for (const id of POLICIES) if ((await jobsOf(cl, id)).length < 2) return false;
      return true;
    });

    // A clean stop of every coordinator: nothing fires until one starts again.
    for (const node of coordinators) {
      await node.stop('SIGTERM');
      cl.nodes.delete(node);
    }
    const before = new Map<string, number>();
    for (const id of POLICIES) before.set(id, await lastFire(id));
    await sleep(OUTAGE_MS); // the outage is the scenario
    await cl.coordinator('m3');
    await waitFor('a fire of every schedule after the outage', async () => {
      for (const id of POLICIES) if ((await lastFire(id)) <= (before.get(id) ?? 0) + OUTAGE_MS) return false;
      return true;
    });

    for (const policy of POLICIES) {
      const last = before.get(policy) ?? 0;
      const jobs = await jobsOf(cl, policy);
      expect(doubled(jobs), policy).toEqual([]);
      const after = jobs.filter((j) => (j.scheduledFor ?? 0) > last);
      // The first tick after the outage: its jobs all carry its `now` as createdAt.
      const now = Math.min(...after.map((j) => j.createdAt));
      const firstTick = after.filter((j) => j.createdAt === now).map((j) => j.scheduledFor);
      const want = expected(policy, last, now);
      expect(want.missed, `${policy}: missed fire times`).toBeGreaterThanOrEqual(8);
      expect(firstTick, policy).toEqual(want.fires);
      // Later ticks fire on time again, every second, after the first tick's.
      const later = after.filter((j) => j.createdAt !== now).map((j: ListedJob) => j.scheduledFor ?? 0);
      const newest = Math.max(...want.fires);
      expect(later, policy).toEqual(later.map((_, i) => newest + (i + 1) * SECOND));
      report(`misfire ${policy}: ${want.missed} missed, first tick fired ${firstTick.length}`);
    }
  }, 90_000);
});
