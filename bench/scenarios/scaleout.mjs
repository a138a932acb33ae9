// Figure 8: the same backlog run by 1, 2 and 4 worker processes at concurrency 100 each:
// 20,000 no-op jobs rather than 50,000, to fit the 10-minute budget (figure 2 already runs
// 50,000 through one process). On 2 cores, more processes than cores share the CPU with Redis
// and each other, so the curve flattens there whatever the system.
import { drain } from '../lib/drain.mjs';

export default {
  id: 'scaleout',
  title: '20k waiting no-op jobs, 1, 2 and 4 worker processes at concurrency 100',
  async run(ctx, system) {
    const metrics = {};
    for (const processes of [1, 2, 4]) {
      await ctx.flush();
      const run = await drain(ctx, system, { jobs: Math.round(20_000 * ctx.scale), processes, concurrency: 100 });
      metrics[`scaleout.p${processes}`] = run.jobsPerSecond;
    }
    return metrics;
  },
};
