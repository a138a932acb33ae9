// `cadenza dev` on SQLite outgrows itself: 10,000 jobs in every state and five schedules,
// the dev killed, `cadenza migrate` into a redis-server (killed part-way once and run again),
// then a real cluster (`cadenza coordinator` + `cadenza worker`) on that Redis runs every
// unfinished job exactly once, and every schedule keeps its next fire. Export and import of
// the same store run through the CLI too.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { definedOnly, type JobStatus, prepareJob, realClock, type Store } from '@cadenza/core';
import { createSqliteStore } from '@cadenza/store-sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, type Cadenza, cleanEnv, ROOT, runCli, startDev, waitFor } from './cadenza-process.js';
import { CLUSTER_HANDLERS, clustersPerFile, countBy, readRuns } from './cluster.js';

const files = clustersPerFile('migrate');
const opened: { close(): Promise<void> }[] = [];
let dev: Cadenza | undefined;
afterEach(async () => {
  if (dev !== undefined && dev.proc.exitCode === null && dev.proc.signalCode === null) await dev.stop('SIGKILL');
  for (const store of opened) await store.close();
  opened.length = 0;
});

/** Prints a measured figure: shown, never asserted. */
const report = (line: string) => process.stdout.write(`[migrate] ${line}\n`);

const UNFINISHED: JobStatus[] = ['waiting', 'delayed', 'blocked', 'active'];

/** Every job id of `store` in `statuses`, read page by page. */
async function idsOf(store: Store, statuses: readonly JobStatus[]): Promise<Map<string, JobStatus>> {
  const ids = new Map<string, JobStatus>();
  for (const status of statuses) {
    let cursor: string | undefined;
    do {
      const page = await store.listJobs({ status, limit: 1000, ...definedOnly({ cursor }) });
      for (const job of page.jobs) ids.set(job.id, status);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }
  return ids;
}

async function count(store: Store, statuses: readonly JobStatus[]): Promise<number> {
  return (await store.depths()).filter((d) => statuses.includes(d.status)).reduce((n, d) => n + d.count, 0);
}

describe('cadenza migrate from a dev on SQLite to a cluster on Redis', () => {
  it('carries 10,000 jobs and five schedules; the cluster runs each unfinished job once and keeps each next fire', async () => {
    const db = join(files.dir, 'dev.db');
    const devRuns = join(files.dir, 'dev-runs.log');
    const gate = join(files.dir, 'gate');
    // A lease long enough that the dev's active jobs are still active when it is killed, and
    // a leader lease that outlives the start of the first migrate (which it must refuse).
    dev = await startDev(
      [
        ...['--store', `sqlite:${db}`, '--handlers', CLUSTER_HANDLERS, '--concurrency', '20'],
        ...['--lease-ms', '60000', '--leader-ttl-ms', '6000', '--log-level', 'warn'],
      ],
      { CADENZA_ID: 'dev', CLUSTER_RUNS: devRuns },
    );
    const node = dev;
    const sqlite = createSqliteStore({ path: db });
    opened.push(sqlite);
    const batch = async (jobs: Record<string, unknown>[]): Promise<string[]> => {
      const response = await node.http<{ ids: string[] }>('POST', '/v1/jobs/batch', { jobs });
      if (response.status !== 201)
        throw new Error(`batch answered ${response.status}: ${JSON.stringify(response.body)}`);
      return response.body.ids;
    };
    const times = (n: number, job: (i: number) => Record<string, unknown>) =>
      Array.from({ length: n }, (_, i) => job(i));

    const start = realClock.now();
    for (const [id, body] of [
      ['nightly', { name: 'record', cron: '0 3 * * *', tz: 'Europe/Paris' }],
      ['hourly', { name: 'record', every: 3_600_000 }],
      ['launch', { name: 'record', at: new Date(start + 86_400_000).toISOString() }],
      ['held', { name: 'record', cron: '*/5 * * * *', paused: true }],
      ['by-hand', { name: 'record', manual: true }],
    ] as const) {
      const put = await node.http('PUT', `/v1/schedules/${id}`, body);
      expect(put.status, id).toBeLessThan(300);
    }

    // Finished: 2,000 succeeded and 500 failed, run by the dev before the rest arrive.
    await batch([...times(2000, () => ({ name: 'record' })), ...times(500, () => ({ name: 'flaky', maxAttempts: 1 }))]);
    await waitFor(
      '2,500 finished jobs in the dev',
      async () => (await count(sqlite, ['succeeded', 'failed'])) === 2500,
      30_000,
    );
    // Active: 20 jobs that hold every slot of the dev until it is killed.
    await batch(times(20, () => ({ name: 'hold', maxAttempts: 3, payload: { gate } })));
    await waitFor('20 held jobs started', () => countBy(readRuns(devRuns), 'start').size === 20);
    // Waiting (with nothing free to run them), 100 with idempotency keys; chains of three,
    // whose parents wait and whose children and grandchildren are blocked; delayed jobs.
    await batch(times(5000, (i) => ({ name: 'record', ...(i < 100 ? { idempotencyKey: `key-${i}` } : {}) })));
    const parents = await batch(times(480, () => ({ name: 'record' })));
    const children = await batch(parents.map((id) => ({ name: 'record', dependsOn: [id] })));
    await batch(children.map((id) => ({ name: 'record', dependsOn: [id] })));
    await batch(times(1040, () => ({ name: 'record', delayMs: 25_000 })));
    report(`10,000 jobs and 5 schedules in the dev in ${realClock.now() - start} ms`);

    await dev.stop('SIGKILL');
    const unfinished = await idsOf(sqlite, UNFINISHED);
    const finished = await idsOf(sqlite, ['succeeded', 'failed', 'canceled']);
    expect(unfinished.size).toBe(7500);
    expect(finished.size).toBe(2500);
    expect([...unfinished.values()].filter((s) => s === 'active').length).toBeGreaterThanOrEqual(20);
    expect([...unfinished.values()].filter((s) => s === 'blocked').length).toBe(960);
    expect([...unfinished.values()].filter((s) => s === 'delayed').length).toBe(1040);

    const c = files.start(['--log-level', 'warn']);
    const migrate = ['migrate', '--from', `sqlite:${db}`, '--to', c.redis.url, '--to-prefix', c.prefix];

    // The killed dev's leader lease is still live: the source is refused, nothing written.
    const refused = await runCli(migrate);
    expect(refused.code, refused.stderr).toBe(2);
    const lease = /--from: the store is in use: a coordinator \(dev\) holds the leader lease until (\S+),/.exec(
      refused.stderr,
    );
    expect(lease, refused.stderr).not.toBeNull();
    expect(await count(c.store, UNFINISHED)).toBe(0);
    const expiresAt = Date.parse(lease?.[1] ?? '');
    await waitFor('the dev lease to run out', () => realClock.now() > expiresAt, 10_000);

    // A migration killed part-way, then run again to the end.
    const killedAt = await killPartWay(migrate, c.store);
    report(`first migrate killed with ${killedAt} of 7,500 jobs copied`);
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(7500);
    const resumedStart = realClock.now();
    const resumed = await runCli(migrate);
    report(`resumed migrate took ${realClock.now() - resumedStart} ms:\n${resumed.stdout}`);
    expect(resumed.code, `${resumed.stdout}\n${resumed.stderr}`).toBe(0);
    const jobsLine = /jobs: (\d+) copied, (\d+) already there/.exec(resumed.stdout);
    expect(Number(jobsLine?.[2])).toBe(killedAt);
    expect(Number(jobsLine?.[1]) + Number(jobsLine?.[2])).toBe(7500);
    expect(resumed.stdout).toContain('verification: the target matches');

    // Every schedule keeps its next fire and paused state.
    const schedules = ['nightly', 'hourly', 'launch', 'held', 'by-hand'];
    const nextFires = async (store: Store) =>
      Promise.all(schedules.map(async (id) => (await store.getSchedule('default', id)) ?? { id, missing: true }));
    const before = await nextFires(sqlite);
    const fires = (list: Awaited<ReturnType<typeof nextFires>>) =>
      list.map((s) => ('missing' in s ? s : { id: s.id, nextFireAt: s.nextFireAt, paused: s.paused }));
    expect(fires(await nextFires(c.store))).toEqual(fires(before));
    // An idempotency key still names its job in the target.
    const original = [...unfinished.keys()];
    const [again] = await c.store.enqueue(
      [prepareJob({ name: 'record', idempotencyKey: 'key-7' }, realClock.now())],
      realClock.now(),
    );
    expect(again?.created).toBe(false);
    expect(original).toContain(again?.id);

    // Export and import through the CLI: the same jobs and schedules in another SQLite.
    const file = join(files.dir, 'dev.ndjson');
    const exported = await runCli(['export', '--store', `sqlite:${db}`, '--out', file]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('exported 5 schedules and 7500 jobs');
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1 + 5 + 7500 + 1);
    const imported = await runCli(['import', file, '--store', `sqlite:${join(files.dir, 'copy.db')}`]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('jobs: 7500 copied, 0 already there');
    expect(imported.stdout).toContain('verification: the target matches');

    // The cluster: each held job is let go at once, every unfinished job runs (the delayed
    // ones when their time comes), and nothing runs twice.
    writeFileSync(gate, '');
    await c.coordinator('c1');
    await c.worker('w1', ['--concurrency', '50']);
    const runStart = realClock.now();
    await waitFor(
      () => `7,500 runs in the cluster (saw ${countBy(readRuns(c.runs), 'run').size})`,
      async () => countBy(readRuns(c.runs), 'run').size >= 7500 && (await count(c.store, UNFINISHED)) === 0,
      60_000,
    );
    report(`the cluster ran 7,500 jobs in ${realClock.now() - runStart} ms`);
    const runs = countBy(readRuns(c.runs), 'run');
    expect([...runs.keys()].sort()).toEqual([...unfinished.keys()].sort());
    expect([...runs.values()].filter((n) => n !== 1)).toEqual([]);
    expect([...finished.keys()].filter((id) => runs.has(id))).toEqual([]);
    expect(fires(await nextFires(c.store))).toEqual(fires(before));

    // With the cluster running, the target is in use: a migration into it is refused.
    const busy = await runCli(migrate);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(/--to: the store is in use: /);
  }, 120_000);
});

/** Starts `cadenza ARGS`, SIGKILLs it once `target` holds a job; answers how many it held then. */
async function killPartWay(args: readonly string[], target: Store): Promise<number> {
  const proc = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: cleanEnv() });
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  await waitFor('the first jobs in the target', async () => ended || (await count(target, UNFINISHED)) > 0, 20_000);
  proc.kill('SIGKILL');
  await exited;
  return count(target, UNFINISHED);
}
