// What a quiet tenant feels behind a flood (docs/jobs.md, "Order"): tenant "big" has 20,000 waiting jobs
// of 20 ms (about 20 s of work for two `cadenza worker` processes of concurrency 10), and
// tenant "quiet" enqueues one job a second for as long as big's backlog lasts. Every quiet
// job is measured, and the largest figures are bounded (not a fraction, not a percentile):
//
// - Its wait, start of its handler − its enqueue: what the user feels. At most 400 ms.
//   The defect this guards against (a claimer under load kept claiming from the tenants of
//   the band that filled its last call, so a tenant that joined the band waited until two
//   of that worker's claims happened to overlap) made the largest wait of a run 109–540 ms
//   on this 2-core machine, and ~1 s in an earlier measurement. Since the fix: 18–44 ms in
//   five runs at load average 3–5, and up to 247 ms at 7.5, with other builds and tests
//   running: every process, the enqueuing test among them, then gets the CPU late (big's
//   jobs started at a tenth of their usual pace during that wait; in another run, 130 ms
//   of a 155 ms wait was the enqueue call itself). 400 ms is 1.6× that noise and fails on
//   a ~1 s tail; the defect's shorter tails are caught by the next bound.
// - How many of big's jobs started between its enqueue call's return and its start: what
//   fairness promises, and unlike time it does not stretch on a slow machine. Each worker
//   may start the jobs of the claims it has on their way when the job arrives, and of the
//   one whose index read first shows it (the next one gives it its turn): a claim takes at
//   most the worker's 10 slots, so about 40 in all. At most 60. Measured since the fix
//   (load average 3–8): 6–25 at most in a run; with the defect, 93–232.
//
//   FAIRNESS_RUNS=5             runs the scenario five times in a row, each asserted and printed
//   FAIRNESS_MAX_WAIT_MS=50     asserts the goal (a largest wait of 50 ms), on a quiet machine
import { setTimeout as sleep } from 'node:timers/promises';
import { type JobInput, realClock } from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { type Cluster, clustersPerFile } from './cluster.js';
import { describeWaits, readTimed } from './fairness-waits.js';

const BIG_JOBS = 20_000;
const BIG_JOB_MS = 20;
/** Quiet jobs are enqueued while big has at least this many waiting (about 2 s of its work). */
const BACKLOG_FLOOR = 2_000;
const MAX_QUIET_JOBS = 30;
const MAX_OVERTAKEN = 60;
const RUNS = positiveEnv('FAIRNESS_RUNS', 1);
const MAX_WAIT_MS = positiveEnv('FAIRNESS_MAX_WAIT_MS', 400);

function positiveEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name}: "${raw}" is not a positive integer`);
  return value;
}

const file = clustersPerFile('fairness');

async function bigWaiting(c: Cluster): Promise<number> {
  const depths = await c.store.depths();
  return depths.filter((d) => d.tenant === 'big' && d.status === 'waiting').reduce((n, d) => n + d.count, 0);
}

describe('fair service between tenants', () => {
  for (let run = 1; run <= RUNS; run++) {
    it(`starts every job of a quiet tenant within ${MAX_WAIT_MS} ms behind 20,000 jobs of another (run ${run} of ${RUNS})`, async () => {
      const c = file.start(['--log-level', 'warn']);
      await c.worker('w1', ['--concurrency', '10']);
      await c.worker('w2', ['--concurrency', '10']);
      const big: JobInput[] = Array.from({ length: BIG_JOBS }, (_, i) => ({
        name: 'timed',
        tenant: 'big',
        payload: { ms: BIG_JOB_MS, i },
      }));
      const bigIds = new Set(await c.enqueue(big));

      // One job a second: the pace is the scenario. How long each enqueue call took is kept,
      // to tell a slow enqueuing process (a busy machine) from a slow scheduler.
      const enqueued = new Map<string, { callMs: number; returnedAt: number }>();
      const paced = performance.now();
      for (let k = 0; k < MAX_QUIET_JOBS; k++) {
        await sleep(paced + k * 1000 - performance.now());
        if ((await bigWaiting(c)) < BACKLOG_FLOOR) break;
        const before = performance.now();
        const [id = ''] = await c.enqueue([{ name: 'timed', tenant: 'quiet', payload: { ms: 0, k } }]);
        enqueued.set(id, { callMs: Math.round(performance.now() - before), returnedAt: realClock.now() });
      }
      await c.succeeded(BIG_JOBS + enqueued.size, 120_000);

      const runs = readTimed(c.runs);
      const quiet = runs.filter((r) => enqueued.has(r.jobId));
      expect(quiet.map((r) => r.jobId).sort()).toEqual([...enqueued.keys()].sort());
      // Enough of them met big's backlog for the largest figures to mean something.
      expect(quiet.length).toBeGreaterThanOrEqual(5);

      const bigStarts = runs.filter((r) => bigIds.has(r.jobId)).map((r) => r.startedAt);
      const measured = quiet.map((r) => {
        const { callMs = 0, returnedAt = r.createdAt } = enqueued.get(r.jobId) ?? {};
        const overtaken = bigStarts.filter((t) => t >= returnedAt && t < r.startedAt).length;
        return { ...r, wait: r.startedAt - r.createdAt, callMs, returnedAt, overtaken };
      });
      const slowest = measured.reduce((a, b) => (b.wait > a.wait ? b : a));
      const mostOvertaken = Math.max(...measured.map((m) => m.overtaken));
      // Big's pace while the slowest waited, against the whole run's: a machine short of CPU
      // slows every process alike, where an unfair claimer keeps starting big's jobs.
      const pace = (jobs: number, ms: number) => (ms > 0 ? `${Math.round((jobs * 1000) / ms)}/s` : 'n/a');
      const bigSpan = Math.max(...bigStarts) - Math.min(...bigStarts);
      process.stdout.write(
        `[fairness] run ${run}/${RUNS}: ${quiet.length} quiet jobs behind big's backlog, wait (start − enqueue) ` +
          `${describeWaits(measured.map((m) => m.wait))}; the slowest on ${slowest.worker}: its enqueue call ` +
          `${slowest.callMs} ms, ${slowest.overtaken} of big's jobs started after it (big's pace meanwhile ` +
          `${pace(slowest.overtaken, slowest.startedAt - slowest.returnedAt)}, ` +
          `over the run ${pace(bigStarts.length, bigSpan)}); at most ${mostOvertaken} of big's started after any\n`,
      );
      // Every job's "wait ms / enqueue call ms / big's jobs started after it", for a failure.
      const all = measured.map((m) => `${m.wait}/${m.callMs}/${m.overtaken}`).join(' ');
      expect(slowest.wait, `the largest quiet wait (wait/enqueue call/overtaken: ${all})`).toBeLessThanOrEqual(
        MAX_WAIT_MS,
      );
      expect(mostOvertaken, `big's jobs started ahead of a quiet one (${all})`).toBeLessThanOrEqual(MAX_OVERTAKEN);
    }, 180_000);
  }
});
