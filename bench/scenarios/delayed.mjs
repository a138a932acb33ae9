// Figure 4: 10,000 jobs all due 2 s from now (enqueued in batches of 1,000), one worker
// process at concurrency 100 (with a coordinator for cadenza); lateness is the start of the
// handler minus the due time. All 10,000 fall due at once, so the p99 also holds how fast a
// system runs through them; the first start (min) shows how precisely the system woke up.
import { setTimeout as sleep } from 'node:timers/promises';
import { latencies } from '../lib/stats.mjs';
import { allSamples, lags } from '../lib/workers.mjs';

export default {
  id: 'delayed',
  title: '10k jobs due in 2 s',
  async run(ctx, system) {
    const jobs = Math.round(10_000 * ctx.scale);
    const prefix = ctx.prefix();
    const workers = await system.spawnWorkers(1, {
      url: ctx.url,
      prefix,
      concurrency: 100,
      record: true,
      coordinator: true,
    });
    const client = await system.open(ctx.url, prefix);
    workers.go();
    await sleep(500);
    const due = Date.now() + 2000;
    const batch = Array.from({ length: Math.min(1000, jobs) }, () => ({ payload: { t: due }, runAt: due }));
    for (let sent = 0; sent < jobs; sent += batch.length) await client.enqueueBatch(batch);
    if (Date.now() > due) console.warn(`  ${system.name}: enqueueing took past the due time; lateness is inflated`);
    await workers.waitDone(jobs, 60_000);
    const results = await workers.stop();
    await client.close();
    const lateness = lags(allSamples(results));
    return { 'delayed.first': Math.min(...lateness), ...latencies('delayed', lateness) };
  },
};
