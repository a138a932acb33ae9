// Graceful shutdown of every long-running process kind, as real processes on one
// redis-server (started for this file), each test under its own key prefix: SIGTERM turns
// `/readyz` 503 at once, a worker claims nothing more, lets running jobs finish up to
// --shutdown-timeout-ms, then aborts and releases them (no attempt spent), and the process
// exits 0; a second signal exits at once (128 + signal) and the held jobs come back only
// when their leases expire. Build first (`npx -y pnpm@12.4.2 build`); these run dist/bin.js.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Job, realClock } from '@cadenza/core';
import type { RedisHarness } from '@cadenza/store-redis/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Cadenza, FIXTURE, type Role, startCadenza, waitFor } from './cadenza-process.js';
import { type Cluster, clustersPerFile } from './cluster.js';

const HANDLERS = join(FIXTURE, 'shutdown-handlers.mjs');

const files = clustersPerFile('shutdown');
let redis: RedisHarness;
let dir: string;
let seq = 0;
beforeAll(() => {
  redis = files.redis;
  dir = files.dir;
});

/** One line of the run log the fixture handlers write. */
interface Run {
  event: 'start' | 'run' | 'abort';
  jobId: string;
  worker: string;
  attempt: number;
  /** For `abort`: the kind of the signal's reason (`shutdown`, `lost`, …). */
  kind?: string;
}

interface Setup {
  c: Cluster;
  /** A fresh gate file: `hold` jobs run until it exists. */
  gate: string;
  runs(): Run[];
  /** Starts `cadenza ROLE` on this test's prefix, at log level info (the tests wait on log lines). */
  start(role: Role, id: string, args?: readonly string[]): Promise<Cadenza>;
  jobs(ids: readonly string[]): Promise<Job[]>;
}

function setup(): Setup {
  const n = ++seq;

  // The cluster helper gives a prefix, a store on it and SIGKILL-on-teardown of its nodes;
  // the processes are started here, with this file's handlers.
  const c = files.start([]);
  const runsFile = c.runs;
  return {
    c,
    gate: join(dir, `gate-${n}`),
    runs() {
      let text = '';
      try {
        text = readFileSync(runsFile, 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const [event, jobId = '', worker = '', attempt = '0', kind] = line.split(' ');
          return { event: event as Run['event'], jobId, worker, attempt: Number(attempt), ...(kind ? { kind } : {}) };
        });
    },
    async start(role, id, args = []) {
      const handlers = role === 'worker' ? ['--handlers', HANDLERS] : [];
      const node = await startCadenza(
        role,
        ['--redis', redis.url, '--prefix', c.prefix, '--log-level', 'info', ...handlers, ...args],
        { CADENZA_ID: id, SHUTDOWN_RUNS: runsFile },
      );
      c.nodes.add(node);
      return node;
    },
    async jobs(ids) {
      const jobs = await c.store.getJobs(ids);
      return jobs.map((job, i) => {
        if (job === undefined) throw new Error(`job ${ids[i]} is missing from the store`);
        return job;
      });
    },
  };
}

const holds = (gate: string, count: number, maxAttempts = 1) =>
  Array.from({ length: count }, () => ({ name: 'hold', payload: { gate }, maxAttempts }));

/** Waits until the process has logged a line containing `text` (its stdout is JSON lines). */
function logged(node: Cadenza, text: string): Promise<void> {
  return waitFor(`a log line with ${JSON.stringify(text)}`, () => node.stdout.some((l) => l.includes(text)));
}

/** Waits until each of `ids` shows `event` in the run log (by any worker). */
function inRunLog(s: Setup, event: Run['event'], ids: readonly string[]): Promise<void> {
  return waitFor(
    () => `${event} of ${ids.length} jobs in the run log (have ${JSON.stringify(s.runs())})`,
    () => {
      const seen = new Set(
        s
          .runs()
          .filter((r) => r.event === event)
          .map((r) => r.jobId),
      );
      return ids.every((id) => seen.has(id));
    },
  );
}

async function waitForStatus(s: Setup, ids: readonly string[], status: string): Promise<Job[]> {
  let jobs: Job[] = [];
  await waitFor(
    () => `${ids.length} jobs ${status} (have ${jobs.map((j) => `${j.id}:${j.status}`).join(' ')})`,
    async () => {
      jobs = await s.jobs(ids);
      return jobs.every((j) => j.status === status);
    },
  );
  return jobs;
}

const alive = (node: Cadenza) => node.proc.exitCode === null && node.proc.signalCode === null;

describe('graceful shutdown', () => {
  it('a worker on SIGTERM turns /readyz 503 at once, claims nothing new, lets running jobs finish and exits 0', async () => {
    const s = setup();
    const w1 = await s.start('worker', 'w1', [
      '--concurrency',
      '4',
      '--lease-ms',
      '2000',
      '--shutdown-timeout-ms',
      '30000',
    ]);
    const held = await s.c.enqueue(holds(s.gate, 3));
    await inRunLog(s, 'start', held);

    w1.proc.kill('SIGTERM');
    // The readiness flag is set in the same synchronous signal handler that logs this line,
    // so the very next /readyz must already be 503: no polling for it.
    await logged(w1, '"msg":"shutting down"');
    const ready = await w1.http('GET', '/readyz');
    expect(ready).toEqual({
      status: 503,
      body: {
        status: 'stopping',
        error: { code: 'unavailable', message: 'shutting down: waiting for 3 running jobs' },
      },
    });
    expect((await w1.http('GET', '/healthz')).status).toBe(200);

    // Work enqueued during the drain: w1 has free slots and hears the store's 'ready'
    // signal, yet must leave it all to w2. w2 running all of it while w1 still drains
    // (the gate is shut) shows that w1 had every chance to claim it and did not.
    const later = await s.c.enqueue(Array.from({ length: 3 }, () => ({ name: 'record' })));
    const w2 = await s.start('worker', 'w2', ['--lease-ms', '2000']);
    await waitForStatus(s, later, 'succeeded');
    expect(alive(w1)).toBe(true);
    expect((await w1.http('GET', '/readyz')).status).toBe(503);

    writeFileSync(s.gate, 'open');
    expect(await w1.exited).toEqual({ code: 0, signal: null });
    const jobs = await waitForStatus(s, held, 'succeeded');
    expect(jobs.map((j) => j.attempt)).toEqual([1, 1, 1]);
    const runs = s.runs();
    expect(
      runs
        .filter((r) => held.includes(r.jobId))
        .map((r) => `${r.event} ${r.worker}`)
        .sort(),
    ).toEqual([...Array(3).fill('run w1'), ...Array(3).fill('start w1')]);
    expect(runs.filter((r) => later.includes(r.jobId)).map((r) => `${r.event} ${r.worker}`)).toEqual(
      Array(3).fill('run w2'),
    );
    expect(w1.stdout.some((l) => l.includes('"msg":"stopped"') && l.includes('"code":0'))).toBe(true);
    expect(await w2.stop()).toEqual({ code: 0, signal: null });
  }, 30_000);

  it('jobs that outlast --shutdown-timeout-ms are aborted and released without spending an attempt', async () => {
    const s = setup();
    // A long lease: only a release, not an expired lease, can let w2 have these jobs in time.
    const w1 = await s.start('worker', 'w1', ['--lease-ms', '60000', '--shutdown-timeout-ms', '500']);
    const held = await s.c.enqueue(holds(s.gate, 2));
    await inRunLog(s, 'start', held);

    const sent = performance.now();
    expect(await w1.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    // Aborted only once the timeout ran out (a little slack for timer granularity).
    expect(performance.now() - sent).toBeGreaterThanOrEqual(450);
    const aborts = s.runs().filter((r) => r.event === 'abort');
    expect(aborts.map((r) => [r.jobId, r.worker, r.attempt, r.kind]).sort()).toEqual(
      held.map((id) => [id, 'w1', 1, 'shutdown']).sort(),
    );
    // Back in the queue at once, with no lease left to run out.
    const released = await s.jobs(held);
    expect(released.map((j) => j.status)).toEqual(['waiting', 'waiting']);

    writeFileSync(s.gate, 'open');
    const w2 = await s.start('worker', 'w2', ['--lease-ms', '60000']);
    const jobs = await waitForStatus(s, held, 'succeeded');
    // maxAttempts is 1: had the release spent the attempt, the job could not run again.
    expect(jobs.map((j) => [j.attempt, j.result])).toEqual(held.map(() => [1, { worker: 'w2', attempt: 1 }]));
    expect(await w2.stop()).toEqual({ code: 0, signal: null });
  }, 30_000);

  it('a second SIGTERM during the drain exits at once (143); the jobs run again once their leases expire', async () => {
    const s = setup();
    // The coordinator takes back jobs whose lease expired (the fate of a crashed worker's).
    await s.start('coordinator', 'coord', ['--leader-ttl-ms', '2000']);
    const w1 = await s.start('worker', 'w1', ['--lease-ms', '1000', '--shutdown-timeout-ms', '60000']);
    const held = await s.c.enqueue(holds(s.gate, 2, 2));
    await inRunLog(s, 'start', held);

    w1.proc.kill('SIGTERM');
    // Without the second signal this drain would wait a minute for the shut gate.
    await logged(w1, '"msg":"shutting down"');
    expect((await w1.http('GET', '/readyz')).status).toBe(503);
    expect(await w1.stop('SIGTERM')).toEqual({ code: 128 + 15, signal: null });
    expect(w1.stdout.some((l) => l.includes('"msg":"second signal: exiting at once"'))).toBe(true);
    // Nothing was aborted or released: the handlers died with the process.
    expect(s.runs().filter((r) => r.event !== 'start')).toEqual([]);

    writeFileSync(s.gate, 'open');
    const w2 = await s.start('worker', 'w2', ['--lease-ms', '1000']);
    const jobs = await waitForStatus(s, held, 'succeeded');
    // As after a crash, the lost attempt counts: these ran again as attempt 2.
    expect(jobs.map((j) => [j.attempt, j.result])).toEqual(held.map(() => [2, { worker: 'w2', attempt: 2 }]));
    expect(await w2.stop()).toEqual({ code: 0, signal: null });
  }, 30_000);

  it('a leading coordinator on SIGTERM releases its lease: another leads within a second, and it exits 0', async () => {
    const s = setup();
    // The default leader lease (8 s): only a released lease lets coord-2 lead within a second.
    const first = await s.start('coordinator', 'coord-1');
    const second = await s.start('coordinator', 'coord-2');
    const before = await s.c.store.getLeadership(realClock.now());
    expect(before?.nodeId).toBe('coord-1');

    const sent = performance.now();
    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(first.stdout.some((l) => l.includes('"msg":"stopped leading"'))).toBe(true);
    await waitFor(
      'coord-2 to lead',
      async () => (await s.c.store.getLeadership(realClock.now()))?.nodeId === 'coord-2',
      5_000,
    );
    expect(performance.now() - sent, 'ms from SIGTERM to coord-2 leading').toBeLessThan(1_000);
    const after = await s.c.store.getLeadership(realClock.now());
    expect(after?.epoch).toBeGreaterThan(before?.epoch ?? Number.POSITIVE_INFINITY);
    await logged(second, '"msg":"leading"');
    expect(await second.stop('SIGINT')).toEqual({ code: 0, signal: null });
  }, 30_000);

  it('a server on SIGTERM exits 0', async () => {
    const s = setup();
    const server = await s.start('server', 'api');
    const created = await server.http<{ id: string }>('POST', '/v1/jobs', { name: 'record' });
    expect(created.status).toBe(201);
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(server.stdout.some((l) => l.includes('"msg":"stopped"') && l.includes('"code":0'))).toBe(true);
    // The job it took is kept in Redis for the workers.
    expect((await s.jobs([created.body.id]))[0]?.status).toBe('waiting');
  }, 30_000);
});
