// Redis goes away under load and comes back with its append-only file: the cluster's
// processes ride the outage out (retrying with backoff, logging it once) and every job
// enqueued before it still succeeds. Build first (`npx -y pnpm@12.4.2 build`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RedisHarness, startRedis } from '@cadenza/store-redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, waitFor } from './cadenza-process.js';
import { type Cluster, cluster, countBy, readRuns } from './cluster.js';

const OUTAGE_MS = 5000;
const JOBS = 2000;

let redis: RedisHarness;
let dir: string;
let c: Cluster | undefined;

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'cadenza-outage-'));
  redis = await startRedis({ appendOnlyDir: dir });
});
afterAll(async () => {
  await c?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The JSON log lines of a process whose `msg` is `msg`. */
const logged = (stdout: readonly string[], msg: string) =>
  stdout.filter((line) => line.startsWith('{') && (JSON.parse(line) as { msg?: string }).msg === msg);

describe('a Redis outage under load', () => {
  it('loses no job when redis-server stops for 5 s and comes back from its append-only file', async () => {
    c = cluster(redis, join(dir, 'runs.log'), ['--log-level', 'info']);
    const coordinator = await c.coordinator('coord-1', ['--leader-ttl-ms', '3000']);
    // Leases a little longer than the outage would be cheating: these lapse, so jobs in hand
    // when Redis stops may be taken back and run again, which is why they have attempts to spare.
    const args = ['--concurrency', '20', '--lease-ms', '2000'];
    const workers = [await c.worker('w1', args), await c.worker('w2', args)];
    const ids = await c.enqueue(
      Array.from({ length: JOBS }, (_, i) => ({ name: 'nap', payload: { ms: 20, i }, maxAttempts: 5 })),
    );
    await waitFor('the workers to be busy', () => countBy(readRuns(c?.runs ?? ''), 'run').size >= 200);

    // SHUTDOWN writes the append-only file and stops the server; the harness then finds it
    // gone and starts a new one on the same port and folder, which loads that file.
    const admin = redis.client();
    // Its reconnect attempts fail all through the outage; it is done with once SHUTDOWN is sent.
    admin.on('error', () => undefined);
    await admin.call('SHUTDOWN').catch(() => undefined);
    admin.disconnect();
    const doneAtStop = countBy(readRuns(c.runs), 'run').size;
    expect(doneAtStop).toBeLessThan(JOBS);
    // The outage itself is the scenario: a fixed 5 s during which the processes must cope.
    await sleep(OUTAGE_MS);
    for (const node of c.nodes) expect(node.proc.exitCode).toBeNull();
    await redis.restart();

    await c.succeeded(JOBS, 90_000);
    const jobs = await c.store.getJobs(ids.slice(0, 1000));
    jobs.push(...(await c.store.getJobs(ids.slice(1000))));
    expect(jobs.filter((j) => j?.status !== 'succeeded')).toEqual([]);
    const runs = countBy(readRuns(c.runs), 'run');
    expect(ids.filter((id) => (runs.get(id) ?? 0) < 1)).toEqual([]);

    // Each process logged the outage once when it began and once when it ended.
    for (const node of [...workers, coordinator]) {
      expect(logged(node.stdout, 'the store does not answer; retrying with backoff until it does')).toHaveLength(1);
      expect(logged(node.stdout, 'the store answers again')).toHaveLength(1);
    }
    for (const node of c.nodes) expect(await node.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 150_000);
});
