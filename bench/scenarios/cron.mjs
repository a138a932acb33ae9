// Figure 5: an every-second schedule for 15 s, run by one worker process (with a coordinator
// for cadenza; BullMQ's job scheduler is driven by its Worker). Lateness is the start of the
// handler minus the fire time the job carries (cadenza: job.scheduledFor; BullMQ:
// opts.prevMillis). Fires are counted over the window: the fire times seen should be one a
// second from the first, none missing and none twice.
import { setTimeout as sleep } from 'node:timers/promises';
import { latencies } from '../lib/stats.mjs';
import { allSamples } from '../lib/workers.mjs';

const WINDOW_MS = 15_000;

export default {
  id: 'cron',
  title: 'an every-second schedule for 15 s',
  async run(ctx, system) {
    const prefix = ctx.prefix();
    const workers = await system.spawnWorkers(1, {
      url: ctx.url,
      prefix,
      concurrency: 10,
      record: true,
      coordinator: true,
    });
    const client = await system.open(ctx.url, prefix);
    workers.go();
    await sleep(500);
    const createdAt = await client.everySecond('bench-every-second');
    const windowEnd = createdAt + WINDOW_MS;
    // A second more, so that the last fire of the window has started even if late.
    await sleep(windowEnd + 1000 - Date.now());
    const results = await workers.stop();
    await client.close();

    const flat = allSamples(results);
    const fireTimes = [];
    const lateness = [];
    for (let k = 0; k < flat.length; k += 2) {
      if (flat[k] < windowEnd) {
        fireTimes.push(flat[k]);
        lateness.push(flat[k + 1]);
      }
    }
    const distinct = [...new Set(fireTimes)].sort((a, b) => a - b);
    // Expected: one fire a second from the first seen, which must come within a second of the
    // schedule's creation (every second before it counts as a missing fire).
    const seen = new Set(distinct);
    const first = distinct[0] ?? createdAt + 1000;
    const lateStart = Math.max(0, Math.ceil((first - createdAt) / 1000) - 1);
    let expected = lateStart;
    let missing = lateStart;
    for (let at = first; at < windowEnd; at += 1000) {
      expected++;
      if (!seen.has(at)) missing++;
    }
    return {
      ...latencies('cron', lateness),
      'cron.fires': fireTimes.length,
      'cron.expected': expected,
      'cron.missing': missing,
      'cron.doubled': fireTimes.length - distinct.length,
    };
  },
};
