// Resources and per-name concurrency hold across a cluster (docs/jobs.md, "Order"): `cadenza worker`
// processes given `--resources` and `--job-concurrency` share one Redis. How many jobs held
// a resource at once is read two ways: off the handlers' run log (spans), and by sampling
// the units Redis counts as held while the jobs run. A worker SIGKILLed while it holds
// units gives them back when its leases expire.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type JobInput, realClock } from '@cadenza/core';
import { gateKeys } from '@cadenza/store-redis';
import { describe, expect, it } from 'vitest';
import { waitFor } from './cadenza-process.js';
import { type Cluster, clustersPerFile, readRuns } from './cluster.js';
import { mostAtOnce, readSpans } from './spans.js';

const file = clustersPerFile('resources');
const WORKER_FAST = ['--lease-ms', '1000', '--shutdown-timeout-ms', '1000'];

/** Samples the units Redis counts as held for `gate` until stopped; answers the most seen. */
function sampleHeld(c: Cluster, gate: string): { stop(): Promise<number> } {
  const held = gateKeys(c.prefix).held;
  const redis = c.redis.client();
  let most = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      most = Math.max(most, Number((await redis.hget(held, gate)) ?? 0));
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return most;
    },
  };
}

describe('resources and job concurrency across workers', () => {
  it('never runs more than a resource’s capacity or a name’s concurrency at once, anywhere', async () => {
    const c = file.start(['--log-level', 'warn']);
    const gates = ['--resources', '{"gpu":3}', '--job-concurrency', '{"report.build":2}'];
    for (const id of ['w1', 'w2', 'w3']) await c.worker(id, ['--concurrency', '10', ...gates]);

    const gpu: JobInput[] = Array.from({ length: 45 }, (_, i) => ({
      name: 'span',
      tenant: i % 2 === 0 ? 'acme' : 'globex',
      resources: { gpu: 1 },
      payload: { ms: 40, i },
    }));
    const reports: JobInput[] = Array.from({ length: 20 }, (_, i) => ({
      name: 'report.build',
      tenant: i % 2 === 0 ? 'acme' : 'globex',
      payload: { ms: 40, i },
    }));
    const free: JobInput[] = Array.from({ length: 100 }, (_, i) => ({ name: 'span', payload: { ms: 5, i } }));
    const sampler = sampleHeld(c, 'r:gpu');
    const gpuIds = new Set(await c.enqueue(gpu));
    const reportIds = new Set(await c.enqueue(reports));
    const freeIds = new Set(await c.enqueue(free));
    await c.succeeded(gpu.length + reports.length + free.length, 120_000);
    const mostHeld = await sampler.stop();

    const gpuSpans = readSpans(c.runs, gpuIds);
    const reportSpans = readSpans(c.runs, reportIds);
    expect(gpuSpans).toHaveLength(gpu.length);
    expect(reportSpans).toHaveLength(reports.length);
    const gpuMost = mostAtOnce(gpuSpans);
    const reportMost = mostAtOnce(reportSpans);
    expect(gpuMost).toBeLessThanOrEqual(3);
    expect(reportMost).toBeLessThanOrEqual(2);
    expect(mostHeld).toBeLessThanOrEqual(3);
    // Thirty slots were free: the capacities, not a lack of workers, held them.
    expect(gpuMost).toBeGreaterThanOrEqual(2);
    expect(mostHeld).toBeGreaterThanOrEqual(1);
    // More than one worker ran gpu jobs: the capacity is the cluster's, not each worker's.
    expect(new Set(gpuSpans.map((s) => s.worker)).size).toBeGreaterThan(1);
    // Jobs that need no gate were not held up behind the gated ones.
    expect(readSpans(c.runs, freeIds)).toHaveLength(free.length);
    // Every unit came back.
    expect(await c.redis.client().hget(gateKeys(c.prefix).held, 'r:gpu')).toBeNull();
    expect(await c.redis.client().hget(gateKeys(c.prefix).held, 'n:report.build')).toBeNull();
    process.stdout.write(
      `[resources] gpu (capacity 3): at most ${gpuMost} ran at once, Redis counted at most ${mostHeld} held; report.build (2): at most ${reportMost}\n`,
    );
  }, 180_000);

  it('gives back the units of a SIGKILLed worker once its leases expire', async () => {
    const c = file.start(['--log-level', 'warn']);
    const gate = join(file.dir, `gate-${realClock.now()}`);
    const gates = ['--resources', '{"gpu":2}'];
    await c.coordinator('coord-1', ['--leader-ttl-ms', '2000']);
    const doomed = await c.worker('doomed', ['--concurrency', '10', ...gates, ...WORKER_FAST]);
    const held = await c.enqueue(
      Array.from({ length: 4 }, () => ({ name: 'hold', resources: { gpu: 1 }, payload: { gate }, maxAttempts: 3 })),
    );
    const starts = () => readRuns(c.runs).filter((r) => r.event === 'start');
    await waitFor('the doomed worker to hold both gpus', () => starts().length === 2);
    const heldKey = gateKeys(c.prefix).held;
    expect(await c.redis.client().hget(heldKey, 'r:gpu')).toBe('2');

    // A second worker with room for ten finds no gpu free while the first one lives.
    await c.worker('w2', ['--concurrency', '10', ...gates, ...WORKER_FAST]);
    const sampler = sampleHeld(c, 'r:gpu');
    doomed.proc.kill('SIGKILL');
    expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await waitFor('w2 to take the gpus back', () => starts().filter((r) => r.worker === 'w2').length === 2, 30_000);
    expect(starts().filter((r) => r.worker === 'doomed')).toHaveLength(2);
    writeFileSync(gate, 'go');
    await c.succeeded(4);
    expect(await sampler.stop()).toBeLessThanOrEqual(2);

    const runs = readRuns(c.runs);
    // The two jobs the doomed worker held ran again (attempt 2); the other two once.
    const jobs = await c.store.getJobs(held);
    expect(jobs.map((job) => job?.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(jobs.map((job) => job?.attempt).sort()).toEqual([1, 1, 2, 2]);
    expect(runs.filter((r) => r.event === 'run' && r.worker === 'doomed')).toEqual([]);
    expect(runs.filter((r) => r.event === 'run' && r.worker === 'w2')).toHaveLength(4);
    expect(await c.redis.client().hget(heldKey, 'r:gpu')).toBeNull();
  }, 90_000);
});
