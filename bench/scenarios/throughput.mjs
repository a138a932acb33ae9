// Figure 2 and the run half of figure 6: 50,000 waiting no-op jobs, one worker process at
// concurrency 1, 10 and 100 (cadenza: the real `cadenza worker` command). The cost of
// running a job is taken at concurrency 100; round trips also at concurrency 1.
// Concurrency 1 runs 20,000 jobs instead: at a few thousand jobs/s, 50,000 alone would take
// a minute or more of the 10-minute budget per run; 20,000 is still several seconds of work.
import { drain } from '../lib/drain.mjs';

export default {
  id: 'throughput',
  title: '50k waiting no-op jobs (20k at concurrency 1), one worker process at concurrency 1, 10, 100',
  async run(ctx, system) {
    const metrics = {};
    for (const concurrency of [1, 10, 100]) {
      await ctx.flush();
      const jobs = Math.round((concurrency === 1 ? 20_000 : 50_000) * ctx.scale);
      const run = await drain(ctx, system, { jobs, processes: 1, concurrency });
      metrics[`throughput.c${concurrency}`] = run.jobsPerSecond;
      // Not in the table, but in the log line and --json: where each concurrency spends.
      metrics[`run.c${concurrency}.redisCpuUs`] = run.cpuUs;
      metrics[`run.c${concurrency}.roundTrips`] = run.roundTrips;
      metrics[`run.c${concurrency}.workerCpuUs`] = run.workerCpuUs;
      metrics[`run.c${concurrency}.tcpSegments`] = run.tcpSegments;
      metrics[`run.c${concurrency}.redisReads`] = run.redisReads;
      // The goal is one round trip per job at concurrency 1, BullMQ's default.
      if (concurrency === 1) metrics['cost.run1.roundTrips'] = run.roundTrips;
      if (concurrency === 100) {
        metrics['cost.run.cpuUs'] = run.cpuUs;
        metrics['cost.run.commands'] = run.commands;
        metrics['cost.run.roundTrips'] = run.roundTrips;
        metrics['cost.run.workerCpuUs'] = run.workerCpuUs;
      }
    }
    return metrics;
  },
};
