// Figure 1 (enqueue rates) and the enqueue half of figure 6 (cost), plus memory per waiting
// job: 50,000 jobs with a 100-byte payload in batches of 1,000, then 10,000 single enqueues
// with 100 in flight, from this process through each system's client.
import { noopJobs, PAYLOAD } from '../lib/payload.mjs';
import { perJob, snapshot } from '../lib/redis-cost.mjs';
import { countWrites } from '../lib/round-trips.mjs';

export default {
  id: 'enqueue',
  title: 'enqueue 50k in batches of 1,000, 10k single with 100 in flight',
  async run(ctx, system) {
    const bulkJobs = Math.round(50_000 * ctx.scale);
    const singleJobs = Math.round(10_000 * ctx.scale);
    const client = await system.open(ctx.url, ctx.prefix());
    const batch = noopJobs(1000);

    let before = await snapshot(ctx.admin);
    let writes = countWrites(ctx.port);
    let started = performance.now();
    for (let sent = 0; sent < bulkJobs; sent += batch.length) await client.enqueueBatch(batch);
    const bulkSeconds = (performance.now() - started) / 1000;
    const bulkWrites = writes.stop();
    const bulk = perJob(before, await snapshot(ctx.admin), bulkJobs);

    before = await snapshot(ctx.admin);
    writes = countWrites(ctx.port);
    started = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < singleJobs) {
        next++;
        await client.enqueue({ payload: PAYLOAD });
      }
    };
    await Promise.all(Array.from({ length: 100 }, lane));
    const singleSeconds = (performance.now() - started) / 1000;
    const singleWrites = writes.stop();
    const single = perJob(before, await snapshot(ctx.admin), singleJobs);
    await client.close();

    return {
      'enqueue.bulk': bulkJobs / bulkSeconds,
      'enqueue.single': singleJobs / singleSeconds,
      'cost.enqueue.cpuUs': bulk.cpuUs,
      'cost.enqueue.commands': bulk.commands,
      'cost.enqueue.roundTrips': bulkWrites / bulkJobs,
      'cost.single.cpuUs': single.cpuUs,
      'cost.single.commands': single.commands,
      'cost.single.roundTrips': singleWrites / singleJobs,
      // Measured over the bulk phase only: the queue held exactly those jobs, all waiting.
      'memory.waiting': bulk.memoryBytes,
    };
  },
};
