// `/metrics` of every kind of process, after a known workload on a real redis-server:
// 20 jobs through the API server (12 succeed, 5 fail for good, 3 fail once and succeed on
// their retry) and 3 one-shot schedules (one fire each). Every counter is checked for its
// exact value on the process that counts it, and the fire-lag histogram for exactly one
// sample per fire. A single-node `cadenza dev` is checked the same way, in one process.
// Build first; these tests run dist/bin.js.
import { join } from 'node:path';
import { realClock } from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { type Cadenza, enqueue, FIXTURE, runCli, startCadenza, startDev, waitFor } from './cadenza-process.js';
import { clustersPerFile } from './cluster.js';
import { sumOf } from './prometheus-text.js';

const HANDLERS = join(FIXTURE, 'metrics-handlers.mjs');
const COMMON = ['--log-level', 'warn', '--report-every-ms', '200'];
const FLAKY = { name: 'flaky', maxAttempts: 2, backoff: { type: 'fixed', delayMs: 50 } };

const file = clustersPerFile('metrics');

async function scrape(node: Cadenza): Promise<string> {
  const response = await fetch(`${node.url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** Scrapes until `done` holds (events are counted just after the store write), then returns that scrape. */
async function scrapeUntil(node: Cadenza, what: string, done: (text: string) => boolean): Promise<string> {
  let text = '';
  await waitFor(
    () =>
      `${what} (last scrape:\n${text
        .split('\n')
        .filter((l) => l.startsWith('cadenza_'))
        .join('\n')})`,
    async () => {
      text = await scrape(node);
      return done(text);
    },
    30_000,
  );
  return text;
}

/** 12 ok, 5 boom (no retry), 3 flaky (one retry): 20 jobs through `node`'s API. */
async function enqueueWorkload(node: Cadenza): Promise<void> {
  const jobs = [
    ...Array.from({ length: 12 }, () => ({ name: 'ok' })),
    ...Array.from({ length: 5 }, () => ({ name: 'boom' })),
    ...Array.from({ length: 3 }, () => FLAKY),
  ];
  for (const job of jobs) await enqueue(node, job);
}

/** Three one-shot schedules, each due shortly, so each fires exactly once. */
async function putSchedules(node: Cadenza): Promise<void> {
  for (const i of [1, 2, 3]) {
    const at = new Date(realClock.now() + 200 * i).toISOString();
    const response = await node.http('PUT', `/v1/schedules/once-${i}`, { name: 'ok', at });
    expect(response.status).toBe(201);
  }
}

/** What a worker (or dev) counts for the workload plus the three schedule jobs. */
function expectWorkerCounts(text: string): void {
  const count = (name: string, labels: Record<string, string> = {}) => sumOf(text, name, labels);
  expect(count('cadenza_jobs_started_total', { name: 'ok', tenant: 'default' })).toBe(15);
  expect(count('cadenza_jobs_started_total', { name: 'boom' })).toBe(5);
  expect(count('cadenza_jobs_started_total', { name: 'flaky' })).toBe(6);
  expect(count('cadenza_jobs_succeeded_total', { name: 'ok' })).toBe(15);
  expect(count('cadenza_jobs_succeeded_total', { name: 'flaky' })).toBe(3);
  expect(count('cadenza_jobs_succeeded_total', { name: 'boom' })).toBe(0);
  expect(count('cadenza_jobs_failed_total', { name: 'boom' })).toBe(5);
  expect(count('cadenza_jobs_failed_total', { name: 'flaky' })).toBe(3);
  expect(count('cadenza_jobs_failed_total', { name: 'ok' })).toBe(0);
  expect(count('cadenza_jobs_retried_total')).toBe(3);
  expect(count('cadenza_jobs_retried_total', { name: 'flaky' })).toBe(3);
  expect(count('cadenza_jobs_dead_total')).toBe(5);
  expect(count('cadenza_jobs_dead_total', { name: 'boom' })).toBe(5);
  // One duration and one wait sample per attempt.
  expect(count('cadenza_job_duration_seconds_count')).toBe(26);
  expect(count('cadenza_job_duration_seconds_count', { outcome: 'succeeded' })).toBe(18);
  expect(count('cadenza_job_duration_seconds_count', { outcome: 'failed' })).toBe(8);
  expect(count('cadenza_job_wait_seconds_count')).toBe(26);
  expect(count('cadenza_worker_active_jobs')).toBe(0);
  expect(count('cadenza_worker_concurrency')).toBe(10);
  expect(count('cadenza_store_request_duration_seconds_count', { method: 'claim' })).toBeGreaterThan(0);
  expect(count('cadenza_store_request_duration_seconds_count', { method: 'settle' })).toBeGreaterThan(0);
}

/** What a leading coordinator (or dev) reports: three fires, their jobs, leadership, depths. */
function expectCoordinatorCounts(text: string): void {
  const count = (name: string, labels: Record<string, string> = {}) => sumOf(text, name, labels);
  expect(count('cadenza_schedule_fire_lag_seconds_count')).toBe(3);
  // A lag is never negative, and these fired within a few seconds at most.
  expect(count('cadenza_schedule_fire_lag_seconds_bucket', { le: '+Inf' })).toBe(3);
  expect(count('cadenza_schedule_fire_lag_seconds_bucket', { le: '10' })).toBe(3);
  expect(count('cadenza_coordinator_leader')).toBe(1);
  expect(count('cadenza_leader_epoch')).toBeGreaterThanOrEqual(1);
  expect(count('cadenza_queue_depth', { state: 'succeeded' })).toBe(18);
  expect(count('cadenza_queue_depth', { state: 'failed' })).toBe(5);
  expect(count('cadenza_queue_depth', { state: 'waiting' })).toBe(0);
  expect(count('cadenza_lease_recoveries_total')).toBe(0);
  expect(count('cadenza_store_request_duration_seconds_count', { method: 'recordFires' })).toBeGreaterThan(0);
}

describe('/metrics of every process', () => {
  it('worker, coordinator and server each count their part of a known workload exactly', async () => {
    const c = file.start(COMMON);
    const base = ['--redis', file.redis.url, '--prefix', c.prefix, ...COMMON];
    const start = async (role: 'worker' | 'coordinator' | 'server', id: string, args: readonly string[] = []) => {
      const node = await startCadenza(role, [...base, ...args], { CADENZA_ID: id });
      c.nodes.add(node);
      return node;
    };
    const coordinator = await start('coordinator', 'coord-1');
    const worker = await start('worker', 'worker-1', ['--handlers', HANDLERS]);
    const server = await start('server', 'api-1');

    await enqueueWorkload(server);
    await putSchedules(server);

    const workerText = await scrapeUntil(
      worker,
      'the worker to count 26 attempts',
      (t) => sumOf(t, 'cadenza_job_duration_seconds_count') >= 26,
    );
    expectWorkerCounts(workerText);
    // Every sample carries the process's --id.
    expect(workerText).toContain('node="worker-1"');
    // The worker enqueues nothing itself.
    expect(sumOf(workerText, 'cadenza_jobs_enqueued_total')).toBe(0);

    const coordinatorText = await scrapeUntil(
      coordinator,
      'the coordinator to see every job final',
      (t) => sumOf(t, 'cadenza_queue_depth', { state: 'succeeded' }) === 18,
    );
    expectCoordinatorCounts(coordinatorText);
    // The coordinator counts the jobs its fires created, and nothing it did not see.
    expect(sumOf(coordinatorText, 'cadenza_jobs_enqueued_total', { name: 'ok', tenant: 'default' })).toBe(3);
    expect(sumOf(coordinatorText, 'cadenza_jobs_enqueued_total')).toBe(3);
    expect(sumOf(coordinatorText, 'cadenza_jobs_started_total')).toBe(0);
    // The live processes, from the store's registry (every process reports before it listens).
    for (const role of ['coordinator', 'worker', 'server']) {
      expect(sumOf(coordinatorText, 'cadenza_cluster_nodes', { role }), role).toBe(1);
    }

    const serverText = await scrape(server);
    expect(sumOf(serverText, 'cadenza_jobs_enqueued_total', { name: 'ok', tenant: 'default' })).toBe(12);
    expect(sumOf(serverText, 'cadenza_jobs_enqueued_total', { name: 'boom' })).toBe(5);
    expect(sumOf(serverText, 'cadenza_jobs_enqueued_total', { name: 'flaky' })).toBe(3);
    expect(sumOf(serverText, 'cadenza_jobs_enqueued_total')).toBe(20);
    expect(sumOf(serverText, 'cadenza_http_requests_total', { method: 'POST', route: '/v1/jobs', status: '201' })).toBe(
      20,
    );
    expect(sumOf(serverText, 'cadenza_store_request_duration_seconds_count', { method: 'enqueue' })).toBe(20);
    expect(sumOf(serverText, 'cadenza_store_errors_total')).toBe(0);
    // Cluster-wide gauges come from the leader only, so that sum() counts each job once.
    expect(sumOf(serverText, 'cadenza_queue_depth')).toBe(0);
    // `cadenza status` sums up the same run: the five jobs that failed for good.
    const status = await runCli(['status', '--redis', file.redis.url, '--prefix', c.prefix]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^leader: coord-1 /m);
    expect(status.stdout).toMatch(/^failures in the last hour: 5 \(default 5\)$/m);
    // Node's process metrics everywhere.
    for (const text of [workerText, coordinatorText, serverText]) {
      expect(sumOf(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    }
  }, 90_000);

  it('a single-node dev process counts the same workload in one registry', async () => {
    const dev = await startDev(['--store', 'memory', '--handlers', HANDLERS, ...COMMON], { CADENZA_ID: 'dev-1' });
    try {
      await enqueueWorkload(dev);
      await putSchedules(dev);
      const text = await scrapeUntil(
        dev,
        'dev to count 26 attempts and 23 final jobs',
        (t) =>
          sumOf(t, 'cadenza_job_duration_seconds_count') >= 26 &&
          sumOf(t, 'cadenza_queue_depth', { state: 'succeeded' }) === 18,
      );
      expectWorkerCounts(text);
      expectCoordinatorCounts(text);
      expect(sumOf(text, 'cadenza_jobs_enqueued_total', { name: 'ok' })).toBe(15);
      expect(sumOf(text, 'cadenza_jobs_enqueued_total')).toBe(23);
    } finally {
      expect(await dev.stop()).toEqual({ code: 0, signal: null });
    }
  }, 60_000);
});
