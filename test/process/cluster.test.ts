// Cluster mode as real processes: `cadenza coordinator`, `cadenza worker` and `cadenza server`
// on one redis-server (started for this file), each test under its own key prefix. Build
// first (`npx -y pnpm@12.4.2 build`); these tests run dist/bin.js.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobInput } from '@cadenza/core';
import type { RedisHarness } from '@cadenza/store-redis/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCadenza, waitFor } from './cadenza-process.js';
import { type Cluster, clustersPerFile, countBy, readRuns } from './cluster.js';

// Short leases, so that the jobs of a killed worker come back in about a second.
const FAST = ['--log-level', 'warn'];
const WORKER_FAST = ['--lease-ms', '1000', '--shutdown-timeout-ms', '1000'];
const LEADER_FAST = ['--leader-ttl-ms', '2000'];

const files = clustersPerFile('cluster');
let redis: RedisHarness;
let dir: string;
let seq = 0;
beforeAll(() => {
  redis = files.redis;
  dir = files.dir;
});

function newCluster(): Cluster {
  seq++;
  return files.start(FAST);
}

const TENANTS = ['acme', 'globex', 'initech'];
const PRIORITIES = [1, 5, 9];

describe('cadenza cluster', () => {
  it('3 workers and a coordinator run 5,000 jobs of 3 tenants and 3 priorities, each exactly once', async () => {
    const c = newCluster();
    await c.coordinator('coord-1', LEADER_FAST);
    const workers = ['w1', 'w2', 'w3'];
    for (const id of workers) await c.worker(id, ['--concurrency', '50', ...WORKER_FAST]);

    // A few through the admin verb, the rest straight into the store.
    const viaCli: string[] = [];
    for (const tenant of TENANTS) {
      const out = await runCli(['enqueue', 'record', '--redis', redis.url, '--prefix', c.prefix, '--tenant', tenant]);
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      viaCli.push(out.stdout.trim());
    }
    const inputs: JobInput[] = Array.from({ length: 5000 - viaCli.length }, (_, i) => ({
      name: 'record',
      tenant: TENANTS[i % 3],
      priority: PRIORITIES[Math.floor(i / 3) % 3],
      payload: { i },
    }));
    const ids = [...viaCli, ...(await c.enqueue(inputs))];
    expect(new Set(ids).size).toBe(5000);

    await c.succeeded(5000);
    const runs = countBy(readRuns(c.runs), 'run');
    expect(runs.size).toBe(5000);
    expect([...runs.keys()].sort()).toEqual([...ids].sort());
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    const byWorker = new Set(readRuns(c.runs).map((r) => r.worker));
    expect([...byWorker].sort()).toEqual(workers);
    const jobs = [];
    for (let i = 0; i < ids.length; i += 1000) jobs.push(...(await c.store.getJobs(ids.slice(i, i + 1000))));
    expect(jobs.filter((j) => j?.status !== 'succeeded' || j.attempt !== 1)).toEqual([]);

    // The admin verbs see the same cluster: the leader, and every job counted as succeeded.
    const status = await runCli(['status', '--redis', redis.url, '--prefix', c.prefix]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^leader: coord-1 \(epoch \d+, lease expires in \d+s\)/);
    for (const tenant of TENANTS) expect(status.stdout).toMatch(new RegExp(`^${tenant} +9 +`, 'm'));
    const listed = await runCli([
      'jobs',
      '--redis',
      redis.url,
      '--prefix',
      c.prefix,
      '--tenant',
      'acme',
      '--limit',
      '5',
    ]);
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n').filter((l) => l.includes(' succeeded '))).toHaveLength(5);

    // SIGTERM: each process shuts down gracefully, exit status 0.
    for (const node of c.nodes) expect(await node.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('runs again, on another worker, the 50 active jobs of a worker that is SIGKILLed; nothing else runs twice', async () => {
    const c = newCluster();
    const gate = join(dir, `gate-${seq}`);
    await c.coordinator('coord-1', LEADER_FAST);
    const doomed = await c.worker('doomed', ['--concurrency', '50', ...WORKER_FAST]);
    const held = await c.enqueue(
      Array.from({ length: 50 }, () => ({ name: 'hold', payload: { gate }, maxAttempts: 3 })),
    );
    const startedOn = (worker: (w: string) => boolean) =>
      new Set(
        readRuns(c.runs)
          .filter((r) => r.event === 'start' && worker(r.worker))
          .map((r) => r.jobId),
      );
    await waitFor('the doomed worker to hold 50 jobs', () => startedOn((w) => w === 'doomed').size === 50);

    // Two more workers, and other work that they alone can take while the first is full.
    await c.worker('w2', ['--concurrency', '60', ...WORKER_FAST]);
    await c.worker('w3', ['--concurrency', '60', ...WORKER_FAST]);
    const others = await c.enqueue(Array.from({ length: 200 }, (_, i) => ({ name: 'record', payload: { i } })));
    await c.succeeded(200);

    doomed.proc.kill('SIGKILL');
    expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await waitFor('the 50 jobs to start again elsewhere', () => startedOn((w) => w !== 'doomed').size === 50, 30_000);
    writeFileSync(gate, 'go');
    await c.succeeded(250);

    const runs = readRuns(c.runs);
    const starts = countBy(runs, 'start');
    const finished = countBy(runs, 'run');
    for (const id of held) {
      expect(starts.get(id), id).toBe(2);
      expect(finished.get(id), id).toBe(1);
    }
    expect(runs.filter((r) => r.event === 'run' && r.worker === 'doomed')).toEqual([]);
    for (const id of others) expect(finished.get(id), id).toBe(1);
    const jobs = await c.store.getJobs(held);
    expect(jobs.map((j) => [j?.status, j?.attempt])).toEqual(held.map(() => ['succeeded', 2]));
  }, 90_000);

  it('serves the HTTP API from `cadenza server`, and health from workers and coordinators', async () => {
    const c = newCluster();
    const coordinator = await c.coordinator('coord-1', LEADER_FAST);
    const worker = await c.worker('w1', WORKER_FAST);
    const server = await startCadenza('server', ['--redis', redis.url, '--prefix', c.prefix, ...FAST], {
      CADENZA_ID: 'api-1',
    });
    c.nodes.add(server);
    const created = await server.http<{ id: string }>('POST', '/v1/jobs', { name: 'record', tenant: 'acme' });
    expect(created.status).toBe(201);
    await c.succeeded(1);
    const job = await server.http<{ status: string; result: unknown }>('GET', `/v1/jobs/${created.body.id}`);
    expect(job.body).toMatchObject({ status: 'succeeded', result: { worker: 'w1' } });
    const clusterView = await server.http<{ leader: { id: string } }>('GET', '/v1/cluster');
    expect(clusterView.body.leader.id).toBe('coord-1');
    for (const node of [coordinator, worker]) {
      expect((await node.http('GET', '/readyz')).status).toBe(200);
      expect((await node.http('GET', '/v1/cluster')).status).toBe(404);
      const metrics = await fetch(`${node.url}/metrics`);
      expect(await metrics.text()).toContain('process_cpu_user_seconds_total');
    }
    for (const node of c.nodes) expect(await node.stop('SIGINT')).toEqual({ code: 0, signal: null });
  }, 60_000);
});

describe('cluster flags', () => {
  it('refuses a missing or bad --redis, a missing --handlers and an unreachable Redis: one line, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['worker', '--handlers', 'x.mjs'], /^cadenza: --redis: missing; expected redis:\/\/HOST:PORT/],
      [['coordinator', '--redis', 'localhost:6379'], /^cadenza: --redis: got "localhost:6379", expected redis:\/\//],
      [['server', '--redis', 'http://h'], /^cadenza: --redis: got "http:\/\/h"/],
      [['worker', '--redis', redis.url], /^cadenza: --handlers: missing; expected a module/],
      [['worker', '--redis', redis.url, '--handlers', 'x.mjs', '--tenants', 'A'], /^cadenza: --tenants: got "A"/],
      [['coordinator', '--redis', redis.url, '--prefix', 'a b'], /^cadenza: --prefix: got "a b"/],
      [['server', '--redis', 'redis://127.0.0.1:1'], /^cadenza: --redis redis:\/\/127\.0\.0\.1:1: does not answer/],
      [['jobs', '--redis', redis.url, '--store', 'memory'], /^cadenza: --store "memory" and --redis .*not both/],
    ];
    for (const [args, message] of cases) {
      const out = await runCli(args);
      expect({ args, code: out.code, stdout: out.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(out.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
      expect(out.stderr).toMatch(message);
    }
  }, 60_000);

  it('reads --redis from CADENZA_REDIS', async () => {
    const prefix = redis.prefix();
    const out = await runCli(['enqueue', 'record', '--prefix', prefix], { CADENZA_REDIS: redis.url });
    expect(out.stderr).toBe('');
    const shown = await runCli(['jobs', 'show', out.stdout.trim()], {
      CADENZA_REDIS: redis.url,
      CADENZA_PREFIX: prefix,
    });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ name: 'record', status: 'waiting' });
  });
});
