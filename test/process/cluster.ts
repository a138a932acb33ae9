/**
 * A cadenza cluster for the process tests: one redis-server per test file (startRedis), a
 * fresh key prefix per test, coordinators and workers as real `cadenza` processes, jobs
 * enqueued straight into the Redis store, and the run log the fixture handlers write.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JobInput, type NewJob, prepareJobs, realClock, type Store } from '@cadenza/core';
import { createRedisStore } from '@cadenza/store-redis';
import { type RedisHarness, startRedis } from '@cadenza/store-redis/testing';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { assertBuilt, type Cadenza, FIXTURE, startCadenza, waitFor } from './cadenza-process.js';

export const CLUSTER_HANDLERS = join(FIXTURE, 'cluster-handlers.mjs');

/** One line of the run log: `<event> <jobId> <workerId> <attempt>`. */
export interface Run {
  event: 'start' | 'run';
  jobId: string;
  worker: string;
  attempt: number;
}

export function readRuns(path: string): Run[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [event, jobId = '', worker = '', attempt = '0'] = line.split(' ');
      return { event: event as Run['event'], jobId, worker, attempt: Number(attempt) };
    });
}

/** How many times each job shows `event` in the run log. */
export function countBy(runs: readonly Run[], event: Run['event']): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of runs) if (r.event === event) counts.set(r.jobId, (counts.get(r.jobId) ?? 0) + 1);
  return counts;
}

export interface Cluster {
  redis: RedisHarness;
  prefix: string;
  /** Where the handlers log their runs. */
  runs: string;
  /** The Redis store as this test process sees it (for enqueueing and reading). */
  store: Store;
  nodes: Set<Cadenza>;
  worker(id: string, args?: readonly string[]): Promise<Cadenza>;
  coordinator(id: string, args?: readonly string[]): Promise<Cadenza>;
  enqueue(inputs: readonly JobInput[]): Promise<string[]>;
  /** Waits until `count` jobs of the prefix are `succeeded`. */
  succeeded(count: number, timeoutMs?: number): Promise<void>;
  /** SIGKILLs what still runs and closes the store. */
  close(): Promise<void>;
}

export function cluster(redis: RedisHarness, runs: string, common: readonly string[]): Cluster {
  const prefix = redis.prefix();
  const store = createRedisStore({ url: redis.url, prefix });
  const nodes = new Set<Cadenza>();
  const base = ['--redis', redis.url, '--prefix', prefix, ...common];
  const start = async (role: 'worker' | 'coordinator', id: string, args: readonly string[]) => {
    // The id goes in through the environment (CADENZA_ID), where the handlers read it too.
    const node = await startCadenza(role, [...base, ...args], { CADENZA_ID: id, CLUSTER_RUNS: runs });
    nodes.add(node);
    return node;
  };
  return {
    redis,
    prefix,
    runs,
    store,
    nodes,
    worker: (id, args = []) => start('worker', id, ['--handlers', CLUSTER_HANDLERS, ...args]),
    coordinator: (id, args = []) => start('coordinator', id, args),
    async enqueue(inputs) {
      const ids: string[] = [];
      for (let i = 0; i < inputs.length; i += 1000) {
        const now = realClock.now();
        const jobs: NewJob[] = prepareJobs(inputs.slice(i, i + 1000), now);
        ids.push(...(await store.enqueue(jobs, now)).map((r) => r.id));
      }
      return ids;
    },
    async succeeded(count, timeoutMs = 60_000) {
      let seen = 0;
      await waitFor(
        () => `${count} succeeded jobs (saw ${seen})`,
        async () => {
          seen = (await store.depths()).filter((d) => d.status === 'succeeded').reduce((n, d) => n + d.count, 0);
          return seen >= count;
        },
        timeoutMs,
      );
    },
    async close() {
      for (const node of nodes) {
        if (node.proc.exitCode === null && node.proc.signalCode === null) node.proc.kill('SIGKILL');
        await node.exited;
      }
      nodes.clear();
      await store.close();
    },
  };
}

/** A test file's clusters: see clustersPerFile. */
export interface FileClusters {
  /** The file's redis-server (there once the file's tests run). */
  readonly redis: RedisHarness;
  /** A scratch folder for the file: run logs, gate files. */
  readonly dir: string;
  /** Starts a cluster under a fresh prefix, with its own run log; closed after the test. */
  start(common: readonly string[]): Cluster;
}

/**
 * For a process-test file: a redis-server and a scratch folder, started before the file's
 * tests and removed after them; the clusters a test starts are closed after that test.
 */
export function clustersPerFile(name: string): FileClusters {
  let redis: RedisHarness | undefined;
  let dir = '';
  let runs = 0;
  const open = new Set<Cluster>();
  beforeAll(async () => {
    assertBuilt();
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), `cadenza-${name}-`));
  });
  afterEach(async () => {
    for (const c of open) await c.close();
    open.clear();
  });
  afterAll(async () => {
    await redis?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });
  return {
    get redis(): RedisHarness {
      if (redis === undefined) throw new Error('the redis-server exists only while the file runs');
      return redis;
    },
    get dir(): string {
      return dir;
    },
    start(common) {
      const c = cluster(this.redis, join(dir, `runs-${++runs}.log`), common);
      open.add(c);
      return c;
    },
  };
}
