// Runs a backlog dry: `jobs` waiting no-op jobs are enqueued first (untimed), then `processes`
// worker processes at `concurrency` start together; timed from the start until the last
// handler has returned. Redis cost and socket writes cover the same window (plus the stop).

import { noopJobs } from './payload.mjs';
import { perJob, snapshot } from './redis-cost.mjs';
import { spawnWorkers } from './workers.mjs';

export async function drain(ctx, system, { jobs, processes, concurrency }) {
  const prefix = ctx.prefix();
  const workers = await spawnWorkers(system, processes, { url: ctx.url, prefix, concurrency });
  const client = await system.open(ctx.url, prefix);
  const batch = noopJobs(1000);
  for (let sent = 0; sent < jobs; sent += batch.length) await client.enqueueBatch(batch);
  await client.close();

  const before = await snapshot(ctx.admin);
  const startedAt = workers.go();
  const endedAt = await workers.waitDone(jobs, 180_000);
  const results = await workers.stop();
  const after = await snapshot(ctx.admin);
  const writes = results.reduce((sum, r) => sum + r.writes, 0);
  const workerCpuMs = results.reduce((sum, r) => sum + r.cpuMs, 0);
  return {
    jobsPerSecond: jobs / ((endedAt - startedAt) / 1000),
    ...perJob(before, after, jobs),
    roundTrips: writes / jobs,
    workerCpuUs: (workerCpuMs * 1000) / jobs,
  };
}
