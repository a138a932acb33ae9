// Figure 7 (cadenza only: open-source BullMQ has no tenants): tenant a has 20,000 waiting
// 5 ms jobs; one worker process at concurrency 10 (a's backlog alone is ~10 s of work)
// starts on them, then tenant b enqueues one job a second for 10 s. b's wait is the start
// of its handler minus its enqueue; under FIFO it would be a's whole backlog ahead of it.
import { setTimeout as sleep } from 'node:timers/promises';
import { latencies } from '../lib/stats.mjs';
import { lags, mergeSamples } from '../lib/workers.mjs';

export default {
  id: 'fairness',
  title: "tenant a's 20k waiting 5 ms jobs, tenant b one a second for 10 s",
  systems: ['cadenza'],
  async run(ctx, system) {
    const backlog = Math.round(20_000 * ctx.scale);
    const prefix = ctx.prefix();
    const workers = await system.spawnWorkers(1, {
      url: ctx.url,
      prefix,
      concurrency: 10,
      record: true,
      sleepMs: 5,
    });
    // cadenza's worker is running already: frozen until a's backlog is all in, as it was in 'go'.
    await workers.hold();
    const client = await system.open(ctx.url, prefix);
    const batch = Array.from({ length: 1000 }, () => ({ tenant: 'a', payload: {} }));
    for (let sent = 0; sent < backlog; sent += batch.length) await client.enqueueBatch(batch);
    workers.go();
    await sleep(500);
    const start = Date.now();
    for (let k = 0; k < 10; k++) {
      await sleep(start + k * 1000 - Date.now());
      await client.enqueue({ tenant: 'b', payload: { t: Date.now() } });
    }
    await sleep(1000);
    const results = await workers.stop();
    await client.close();
    const samples = mergeSamples(results);
    const bWaits = lags(samples.b);
    const done = results.reduce((sum, r) => sum + r.done, 0);
    if (bWaits.length < 10) console.warn(`  fairness: only ${bWaits.length} of tenant b's 10 jobs started`);
    return {
      ...latencies('fairness.b', bWaits.length === 10 ? bWaits : [...bWaits, Number.POSITIVE_INFINITY]),
      // How much of a's backlog was still waiting when b's last job had run: > 0 means b
      // really competed with a backlog, rather than arriving at an empty queue.
      'fairness.aLeft': backlog - (done - bWaits.length),
    };
  },
};
