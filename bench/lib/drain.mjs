// Runs a backlog dry: `processes` worker processes at `concurrency` are started and idle
// (cadenza's frozen, BullMQ's not yet running), `jobs` waiting no-op jobs are enqueued
// (untimed), then the workers go. Throughput is timed from the first handler start to the
// last, over all processes (cadenza: from its log lines; BullMQ: from its handler). Redis's
// cost (CPU, commands, read events) and the workers' CPU (/proc) are taken from the go
// until every job is done and 100 ms more, so that settlements sent after the last handler
// returned are in; the stop is not (BullMQ's children count their socket writes until the
// stop: a few commands of its close, against tens of thousands of jobs).
import { setTimeout as sleep } from 'node:timers/promises';
import { noopJobs } from './payload.mjs';
import { perJob, snapshot } from './redis-cost.mjs';
import { segmentsOut } from './tcp-segments.mjs';

const sum = (values) => values.reduce((a, b) => a + b, 0);

export async function drain(ctx, system, { jobs, processes, concurrency }) {
  const prefix = ctx.prefix();
  const workers = await system.spawnWorkers(processes, { url: ctx.url, prefix, concurrency });
  await workers.hold();
  const client = await system.open(ctx.url, prefix);
  const batch = noopJobs(1000);
  for (let sent = 0; sent < jobs; sent += batch.length) await client.enqueueBatch(batch);
  await client.close();

  const before = await snapshot(ctx.admin);
  const segmentsBefore = sum(Object.values(segmentsOut(workers.pids, ctx.port)));
  workers.go();
  const { firstStartAt, lastStartAt } = await workers.waitDone(jobs, 180_000);
  await sleep(100);
  await workers.end();
  const segmentsAfter = sum(Object.values(segmentsOut(workers.pids, ctx.port)));
  const after = await snapshot(ctx.admin);
  const results = await workers.stop();
  const cost = perJob(before, after, jobs);
  const workerCpuMs = sum(results.map((r) => r.cpuMs));
  const writes = sum(results.map((r) => r.writes ?? Number.NaN));
  return {
    jobsPerSecond: jobs / ((lastStartAt - firstStartAt) / 1000),
    cpuUs: cost.cpuUs,
    commands: cost.commands,
    roundTrips: writes / jobs,
    // Cross-checks from outside, both below the writes when requests queue up behind one
    // another: TCP segments (the kernel merges writes sent back to back) and how often Redis
    // read from a client (it reads several requests at once).
    tcpSegments: (segmentsAfter - segmentsBefore) / jobs,
    redisReads: cost.reads,
    workerCpuUs: (workerCpuMs * 1000) / jobs,
  };
}
