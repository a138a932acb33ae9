// Per-tenant limits hold across a cluster (docs/jobs.md, "Order"): three `cadenza worker` processes share
// one Redis; tenant "capped" may have 4 jobs active at once, tenant "paced" may start 20
// jobs a second (burst 20). Both are read off the handlers' run log, exactly: how many of
// capped's jobs overlapped at most, and how long paced's jobs took to start.
import type { JobInput } from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { clustersPerFile } from './cluster.js';
import { mostAtOnce, readSpans } from './spans.js';

const LIMITS = JSON.stringify({ capped: { maxActive: 4 }, paced: { rate: 20, burst: 20 } });
const file = clustersPerFile('limits');

describe('tenant limits across three workers', () => {
  it('keeps a tenant at maxActive and another at its rate, cluster-wide', async () => {
    const c = file.start(['--log-level', 'warn']);
    for (const id of ['w1', 'w2', 'w3']) await c.worker(id, ['--concurrency', '10', '--tenant-limits', LIMITS]);

    const capped: JobInput[] = Array.from({ length: 60 }, (_, i) => ({
      name: 'span',
      tenant: 'capped',
      payload: { ms: 50, i },
    }));
    const paced: JobInput[] = Array.from({ length: 220 }, (_, i) => ({
      name: 'span',
      tenant: 'paced',
      payload: { ms: 0, i },
    }));
    const cappedIds = new Set(await c.enqueue(capped));
    const pacedIds = new Set(await c.enqueue(paced));
    await c.succeeded(capped.length + paced.length, 120_000);

    const cappedSpans = readSpans(c.runs, cappedIds);
    expect(cappedSpans).toHaveLength(capped.length);
    const most = mostAtOnce(cappedSpans);
    expect(most).toBeLessThanOrEqual(4);
    // Thirty slots were free: the limit, not a lack of workers, held it to 4.
    expect(most).toBeGreaterThanOrEqual(2);

    const starts = readSpans(c.runs, pacedIds)
      .map((s) => s.started)
      .sort((a, b) => a - b);
    expect(starts).toHaveLength(paced.length);
    const seconds = ((starts[starts.length - 1] ?? 0) - (starts[0] ?? 0)) / 1000;
    // 220 jobs at 20 a second after a burst of 20 take at least (220 − 20) / 20 = 10 s to
    // start; thirty free slots would start them all in well under one.
    expect(seconds).toBeGreaterThanOrEqual(9.5);
    // Paced, not bunched: after the burst a job starts as each token comes (a worker held
    // back by the rate looks again when the next token is due, not at its next poll).
    const gaps = starts.slice(20).map((at, i) => at - (starts[i + 19] ?? at));
    const widest = Math.max(...gaps);
    // One token every 50 ms: gaps of about that; waiting for the poll instead left 1 s gaps.
    expect(widest).toBeLessThan(500);
    process.stdout.write(
      `[limits] capped: at most ${most} active at once (limit 4); paced: ${paced.length} started over ${seconds.toFixed(1)} s = ${((paced.length - 20) / seconds).toFixed(1)} a second after the burst (limit 20), widest gap ${widest} ms\n`,
    );
  }, 180_000);
});
