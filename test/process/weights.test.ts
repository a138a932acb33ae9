// Weighted fair service holds across a cluster (docs/jobs.md, "Order"): three `cadenza worker` processes
// with `--tenant-weights {"heavy":3}` serve two tenants with long backlogs; while both wait,
// the cluster as a whole starts three of heavy's jobs for each one of light's. Read off the
// handlers' run log (the order the jobs started in, across all three workers).
import type { JobInput } from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { clustersPerFile } from './cluster.js';
import { readSpans } from './spans.js';

const file = clustersPerFile('weights');
const JOBS_EACH = 900;
/** Starts looked at: well before light's backlog could run out at a 3:1 pace (800 = 600 + 200). */
const WINDOW = 800;

describe('weighted fair service across workers', () => {
  it('gives a tenant of weight 3 three starts for each of a tenant of weight 1, cluster-wide', async () => {
    const c = file.start(['--log-level', 'warn']);
    const jobs = (tenant: string): JobInput[] =>
      Array.from({ length: JOBS_EACH }, (_, i) => ({ name: 'span', tenant, payload: { ms: 2, i } }));
    // Both backlogs exist before any worker claims.
    const heavy = new Set(await c.enqueue(jobs('heavy')));
    const light = new Set(await c.enqueue(jobs('light')));
    const weights = ['--tenant-weights', '{"heavy":3}', '--concurrency', '4'];
    await Promise.all(['w1', 'w2', 'w3'].map((id) => c.worker(id, weights)));
    await c.succeeded(2 * JOBS_EACH, 120_000);

    const spans = readSpans(c.runs, new Set([...heavy, ...light])).sort((a, b) => a.started - b.started);
    expect(spans).toHaveLength(2 * JOBS_EACH);
    const first = spans.slice(0, WINDOW);
    const heavyStarts = first.filter((s) => heavy.has(s.jobId)).length;
    const lightStarts = first.length - heavyStarts;
    const ratio = heavyStarts / lightStarts;
    expect(ratio).toBeGreaterThan(2.5);
    expect(ratio).toBeLessThan(3.5);
    // All three took part: the ratio is the cluster's, not one worker's.
    const workers = new Set(first.map((s) => s.worker));
    expect(workers.size).toBe(3);
    process.stdout.write(
      `[weights] first ${WINDOW} starts over 3 workers: heavy ${heavyStarts}, light ${lightStarts} (ratio ${ratio.toFixed(2)}, weights 3:1)\n`,
    );
  }, 180_000);
});
