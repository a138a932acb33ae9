// The handlers file `cadenza worker` runs in the figures that time each job (latency,
// delayed, cron, fairness): the same work as BullMQ's side (lib/worker-child.mjs). At the
// start of each job it notes [ref, start − ref], where ref is the epoch ms the job's lateness
// is measured from (payload.t: its enqueue or due time; else job.scheduledFor: the fire time
// of a schedule), grouped by tenant; then it sleeps BENCH_SLEEP_MS if set. The samples are
// written to BENCH_SAMPLES_FILE as JSON when the process exits (after SIGTERM's drain).
// Figures 2, 6 and 8 run bench/noop-handlers.mjs instead, and are timed from the log.
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const file = process.env.BENCH_SAMPLES_FILE;
const sleepMs = Number(process.env.BENCH_SLEEP_MS ?? 0);
/** samples[tenant] = flat [ref, lag, ref, lag, …] */
const samples = {};
if (file) process.on('exit', () => writeFileSync(file, JSON.stringify(samples)));

export default {
  noop: async (job) => {
    const startedAt = Date.now();
    const ref = job.payload?.t ?? job.scheduledFor;
    if (ref !== undefined) {
      samples[job.tenant] ??= [];
      samples[job.tenant].push(ref, startedAt - ref);
    }
    if (sleepMs > 0) await sleep(sleepMs);
  },
};
