// Figure 4, in two parts, each with one worker process at concurrency 100 (with a
// `cadenza coordinator` beside it for cadenza; BullMQ's Worker promotes delayed jobs itself);
// lateness is the start of the handler minus the due time.
// - At once: 10,000 jobs all due 2 s from now (enqueued in batches of 1,000). All fall due at
//   once, so the start lateness p99 holds how fast a system runs through them; the first
//   start (min) shows how precisely the system woke up. Promotion lateness (due → waiting,
//   issue 15: p99 ≤ 20 ms) is read from outside: the harness asks Redis every millisecond
//   from the due time on how many jobs are still delayed (ZCARD of the system's delayed set,
//   `system.delayedKey`), and the p50/p99/max is when half, 99% and all had left it.
// - Spread: 2,000 jobs due one every 5 ms over 10 s (from 1 s after they were enqueued):
//   how late a delayed job starts when the system is not saturated (issue 15: p99 ≤ 10 ms).
import { setTimeout as sleep } from 'node:timers/promises';
import { latencies } from '../lib/stats.mjs';
import { allSamples, lags } from '../lib/workers.mjs';

export default {
  id: 'delayed',
  title: '10k jobs due at once in 2 s; 2,000 due spread over 10 s',
  async run(ctx, system) {
    const metrics = {};
    {
      const jobs = Math.round(10_000 * ctx.scale);
      const { lateness, promotion } = await phase(
        ctx,
        system,
        jobs,
        (start) => {
          const due = start + 2000;
          return () => due;
        },
        true,
      );
      metrics['delayed.first'] = Math.min(...lateness);
      Object.assign(metrics, latencies('delayed', lateness), promotion);
    }
    await ctx.flush();
    {
      const jobs = Math.round(2000 * ctx.scale);
      const stepMs = 10_000 / jobs;
      const { lateness } = await phase(ctx, system, jobs, (start) => (k) => Math.round(start + 1000 + k * stepMs));
      Object.assign(metrics, latencies('delayed.spread', lateness));
    }
    return metrics;
  },
};

/** Enqueues `jobs` delayed jobs, job k due at dueOf(start)(k), runs them all; answers their lateness. */
async function phase(ctx, system, jobs, dueFor, promotion = false) {
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
  const dueOf = dueFor(Date.now());
  let lastDue = 0;
  for (let sent = 0; sent < jobs; sent += 1000) {
    const batch = [];
    for (let k = sent; k < Math.min(jobs, sent + 1000); k++) {
      const due = dueOf(k);
      lastDue = Math.max(lastDue, due);
      batch.push({ payload: { t: due }, runAt: due });
    }
    await client.enqueueBatch(batch);
  }
  if (Date.now() > dueOf(0))
    console.warn(`  ${system.name}: enqueueing took past the first due time; lateness is inflated`);
  const promoted = promotion ? watchPromotion(ctx.admin, system.delayedKey(prefix), jobs, dueOf(0)) : undefined;
  await workers.waitDone(jobs, Math.max(0, lastDue - Date.now()) + 60_000);
  const results = await workers.stop();
  await client.close();
  return { lateness: lags(allSamples(results)), promotion: await promoted };
}

/**
 * From `due` on, asks Redis every ms how many jobs are still in the delayed set; answers
 * when half, 99% and all of `jobs` had left it, in ms after `due`.
 */
async function watchPromotion(admin, key, jobs, due) {
  await sleep(due - Date.now());
  const marks = { 'delayed.promotion.p50': jobs / 2, 'delayed.promotion.p99': jobs / 100, 'delayed.promotion.max': 0 };
  const out = {};
  const deadline = due + 60_000;
  while (Object.keys(out).length < 3 && Date.now() < deadline) {
    const left = await admin.zcard(key);
    const at = Date.now() - due;
    for (const [name, most] of Object.entries(marks)) if (out[name] === undefined && left <= most) out[name] = at;
    await sleep(1);
  }
  return out;
}
