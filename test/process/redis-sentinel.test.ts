// Redis behind Sentinel as real processes: a primary, two replicas and three sentinels;
// two coordinators, a worker and a server started with --redis-sentinel,
// --redis-sentinel-name and --durable-writes 1 (never told where the primary is). A
// schedule fires every second and jobs are enqueued through the server while the primary
// is SIGKILLed. The sentinels promote a replica; every job the server acknowledged must
// run to its end, no fire time of the schedule may produce two jobs, and the schedule must
// go on firing on the new primary. Build first (`npx -y pnpm@12.4.2 build`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { definedOnly, type ListedJob, prepareSchedule, realClock, type Store } from '@cadenza/core';
import { createRedisStore } from '@cadenza/store-redis';
import { type SentinelHarness, startRedisSentinel } from '@cadenza/store-redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, type Cadenza, startCadenza, waitFor } from './cadenza-process.js';
import { CLUSTER_HANDLERS, countBy, readRuns } from './cluster.js';
import { doubled, report, SECOND } from './ha.js';

const JOBS = 120;
// The kill starts once this many jobs are acknowledged and lands while more go in (by
// KILLED_BY at the latest); the rest meet the failover.
const KILL_AT = 40;
const KILLED_BY = 70;

let topology: SentinelHarness;
let dir: string;
let store: Store | undefined;
const nodes: Cadenza[] = [];

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'cadenza-sentinel-'));
  // Two replicas: once one is promoted, the other still confirms durable writes.
  topology = await startRedisSentinel({ replicas: 2 });
}, 60_000);

afterAll(async () => {
  // SIGKILL what a failed test left running; a passing test stopped its nodes itself.
  for (const node of nodes) {
    if (node.proc.exitCode === null && node.proc.signalCode === null) node.proc.kill('SIGKILL');
    await node.exited;
  }
  await store?.close();
  await topology?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('cadenza on Redis behind Sentinel', () => {
  it('keeps every acknowledged job and fires each second at most once across a SIGKILL of the primary', async () => {
    const prefix = topology.prefix();
    const runs = join(dir, 'runs.log');
    const sentinel = { urls: topology.sentinelUrls, name: topology.name };
    const flags = [
      '--redis-sentinel',
      sentinel.urls.join(','),
      '--redis-sentinel-name',
      sentinel.name,
      '--durable-writes',
      '1',
      '--prefix',
      prefix,
      '--log-level',
      'warn',
    ];
    const start = async (role: 'coordinator' | 'worker' | 'server', id: string, args: readonly string[] = []) => {
      // The id goes in through the environment (CADENZA_ID), where the handlers read it too.
      const node = await startCadenza(role, [...flags, ...args], { CADENZA_ID: id, CLUSTER_RUNS: runs });
      nodes.push(node);
      return node;
    };
    // A short lease, so that a coordinator that lost its lease in the outage leads again soon.
    await start('coordinator', 'c1', ['--leader-ttl-ms', '3000']);
    await start('coordinator', 'c2', ['--leader-ttl-ms', '3000']);
    await start('worker', 'w1', ['--handlers', CLUSTER_HANDLERS]);
    const server = await start('server', 's1');
    const opened = createRedisStore({ sentinel, prefix });
    store = opened;

    const schedule = prepareSchedule('every-second', { name: 'record', cron: '* * * * * *' });
    await opened.upsertSchedule(schedule, realClock.now());
    const fires = async () => (await allJobs(opened)).filter((job) => job.scheduleId === 'every-second');
    await waitFor('two fires before the kill', async () => (await fires()).length >= 2);

    // Jobs go in through the server, one request each with its idempotency key; a request
    // the server refuses as unavailable (503) is sent again with the same key, as a client
    // retries. A job is acknowledged when the server answers 201 or 200 with its id.
    const acknowledged = new Map<string, string>();
    let refusals = 0;
    let killed: Promise<number> | undefined;
    for (let i = 0; i < JOBS; i++) {
      if (i === KILL_AT) killed = topology.killPrimary();
      if (i === KILLED_BY) await killed;
      const body = { name: 'record', payload: { i }, idempotencyKey: `job-${i}` };
      for (let tries = 0; ; tries++) {
        const response = await server.http<{ id?: string; error?: { code: string } }>('POST', '/v1/jobs', body);
        if ((response.status === 201 || response.status === 200) && response.body.id !== undefined) {
          acknowledged.set(body.idempotencyKey, response.body.id);
          break;
        }
        // Anything but unavailable is a failure of the test, not a thing to retry.
        expect({ status: response.status, code: response.body.error?.code }).toEqual({
          status: 503,
          code: 'unavailable',
        });
        refusals++;
        if (tries >= 300) throw new Error(`job-${i}: still refused after ${tries} tries`);
        // A client's backoff between retries, not a wait for some state.
        await sleep(50);
      }
    }
    const oldPrimary = await killed;
    expect(oldPrimary).toBeDefined();
    const newPrimary = await topology.waitForFailover(oldPrimary ?? 0);
    const failedOverAt = realClock.now();
    report(`primary ${oldPrimary} killed, ${newPrimary} promoted; ${refusals} enqueues refused meanwhile`);

    // Fires go on on the new primary: three whole seconds after the failover, each fired.
    const after = Math.ceil(failedOverAt / SECOND) * SECOND;
    await waitFor(
      'three fires after the failover',
      async () => (await fires()).filter((job) => (job.scheduledFor ?? 0) >= after).length >= 3,
      30_000,
    );
    await opened.setSchedulePaused('default', 'every-second', true, realClock.now());

    // Every acknowledged job, and every fire, runs to its end.
    const ids = [...acknowledged.values()];
    expect(new Set(ids).size).toBe(JOBS);
    let pending: unknown[] = [];
    await waitFor(
      () => `every acknowledged job to succeed (${pending.length} not yet: ${JSON.stringify(pending.slice(0, 3))})`,
      async () => {
        const jobs = await opened.getJobs(ids);
        pending = jobs
          .map((job, i) => job ?? { id: ids[i], missing: true })
          .filter((job) => !('status' in job) || job.status !== 'succeeded')
          .map((job) =>
            'status' in job
              ? { ...job, payload: undefined, runs: readRuns(runs).filter((r) => r.jobId === job.id) }
              : job,
          );
        return pending.length === 0;
      },
      30_000,
    );
    await waitFor(
      'every fire to succeed',
      async () => (await fires()).every((job) => job.status === 'succeeded'),
      30_000,
    );

    // One job per acknowledged key and per fire time; the run log agrees with the store.
    const all = await allJobs(opened);
    const enqueued = all.filter((job) => job.scheduleId === undefined);
    expect(enqueued.length).toBe(JOBS);
    expect(new Set(enqueued.map((job) => job.idempotencyKey)).size).toBe(JOBS);
    const fired = await fires();
    expect(doubled(fired).map((t) => new Date(t).toISOString())).toEqual([]);
    const ran = countBy(readRuns(runs), 'run');
    expect(ids.filter((id) => (ran.get(id) ?? 0) === 0)).toEqual([]);
    report(
      `${fired.length} fires, ${fired.filter((job) => (job.scheduledFor ?? 0) >= after).length} after the failover`,
    );

    for (const node of nodes) await node.stop();
  }, 60_000);
});

/** Every job of the prefix, all pages read. */
async function allJobs(store: Store): Promise<ListedJob[]> {
  const jobs: ListedJob[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listJobs({ limit: 500, ...definedOnly({ cursor }) });
    jobs.push(...page.jobs);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return jobs;
}
