// Figure 3: 1,000 jobs/s for 10 s (ten single enqueues every 10 ms, paced on absolute
// deadlines so that a slow tick does not lower the rate) into one worker process at
// concurrency 50; a job's latency is the start of its handler minus the moment its enqueue
// was called.
import { setTimeout as sleep } from 'node:timers/promises';
import { latencies } from '../lib/stats.mjs';
import { allSamples, lags } from '../lib/workers.mjs';

export default {
  id: 'latency',
  title: '1,000 jobs/s for 10 s into one worker at concurrency 50',
  async run(ctx, system) {
    const prefix = ctx.prefix();
    const workers = await system.spawnWorkers(1, { url: ctx.url, prefix, concurrency: 50, record: true });
    const client = await system.open(ctx.url, prefix);
    workers.go();
    await sleep(200);
    const ticks = 1000;
    const perTick = 10;
    const pending = [];
    const start = Date.now();
    for (let tick = 0; tick < ticks; tick++) {
      const wait = start + tick * 10 - Date.now();
      if (wait > 0) await sleep(wait);
      for (let k = 0; k < perTick; k++) pending.push(client.enqueue({ payload: { t: Date.now() } }));
    }
    await Promise.all(pending);
    const sentIn = (Date.now() - start) / 1000;
    await workers.waitDone(ticks * perTick, 60_000);
    const results = await workers.stop();
    await client.close();
    return {
      ...latencies('latency', lags(allSamples(results))),
      'latency.rate': (ticks * perTick) / sentIn,
    };
  },
};
