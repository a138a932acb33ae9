// Where Redis spends its time on each of the Redis store's hot calls — enqueue, claim,
// settle, promote — per job, and inside each call by command (INFO commandstats): what runs
// inside a function is counted under its own command and under FCALL too, so FCALL's time
// less the commands' is the Lua itself. Not part of `pnpm bench`: it times no user command,
// it shows where the Redis CPU of figure 6 goes (BENCHMARKS.md, "Where the time goes").
//
//   node bench/store-calls.mjs [--jobs 50000] [--batch 100]
//
// Needs a build first. Starts its own redis-server (startRedis), or uses CADENZA_TEST_REDIS.
import { parseArgs } from 'node:util';
import { prepareJobs, realClock } from '@cadenza/core';
import { createRedisStore } from '@cadenza/store-redis';
import { startRedis } from '@cadenza/store-redis/testing';
import { PAYLOAD } from './lib/payload.mjs';

const { values } = parseArgs({
  options: { jobs: { type: 'string', default: '50000' }, batch: { type: 'string', default: '100' } },
});
const JOBS = Number(values.jobs);
const BATCH = Number(values.batch);

const redis = await startRedis();
const admin = redis.client();
const store = createRedisStore({ url: redis.url, prefix: redis.prefix() });
const now = realClock.now();

async function cpuSeconds() {
  const info = await admin.info('cpu');
  const field = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1]);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** Runs `work`, then prints Redis CPU per job and each command's share of it. */
async function measure(label, jobs, work) {
  await admin.config('RESETSTAT');
  const before = await cpuSeconds();
  await work();
  const cpuUs = ((await cpuSeconds()) - before) * 1e6;
  const stats = await admin.info('commandstats');
  const commands = [...stats.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)]
    .map(([, name, calls, usec]) => ({ name, calls: Number(calls), usec: Number(usec) }))
    .filter(({ name }) => !/^(info|config)/.test(name));
  const fcall = commands.filter(({ name }) => name.startsWith('fcall')).reduce((sum, c) => sum + c.usec, 0);
  const inner = commands.filter(({ name }) => !name.startsWith('fcall'));
  const innerUs = inner.reduce((sum, c) => sum + c.usec, 0);
  const perJob = (us) => `${(us / jobs).toFixed(2)} µs`;
  console.log(`\n${label}: ${perJob(cpuUs)} of Redis CPU per job (${jobs.toLocaleString('en')} jobs)`);
  console.log(`  inside functions: ${perJob(fcall)} — Lua itself ${perJob(fcall - innerUs)}, commands:`);
  for (const c of inner.sort((a, b) => b.usec - a.usec).slice(0, 8)) {
    console.log(
      `    ${c.name.padEnd(14)} ${perJob(c.usec).padStart(9)}  (${(c.calls / jobs).toFixed(2)} calls per job)`,
    );
  }
}

/** A no-op job's input (delayed when `runAt` is given); a batch is validated as the client does. */
const job = (runAt) => ({ name: 'noop', payload: PAYLOAD, ...(runAt === undefined ? {} : { runAt: new Date(runAt) }) });
const batches = (make) =>
  Array.from({ length: Math.ceil(JOBS / 1000) }, () => prepareJobs(Array.from({ length: 1000 }, make), now));

const waiting = batches(() => job(undefined));
await measure('enqueue (batches of 1,000)', JOBS, async () => {
  for (const batch of waiting) await store.enqueue(batch, now);
});

const claimed = [];
await measure(`claim (${BATCH} a call)`, JOBS, async () => {
  for (;;) {
    const jobs = await store.claim({ workerId: 'w', limit: BATCH, leaseMs: 30_000, now });
    if (jobs.length === 0) break;
    claimed.push(...jobs);
  }
});

await measure(`settle (${BATCH} a call)`, JOBS, async () => {
  for (let i = 0; i < claimed.length; i += BATCH) {
    const settlements = claimed
      .slice(i, i + BATCH)
      .map((j) => ({ jobId: j.id, token: j.lease.token, outcome: 'succeeded', result: null }));
    await store.settle(settlements, now);
  }
});

const delayed = batches(() => job(now + 1_000));
for (const batch of delayed) await store.enqueue(batch, now);
const term = await store.acquireLeadership('bench', 60_000, now);
const fence = { nodeId: 'bench', epoch: term.epoch };
await measure('promote (500 a call, as the coordinator does)', JOBS, async () => {
  while ((await store.promoteDelayed(fence, now + 1_000, 500)) > 0);
});

await store.close();
admin.disconnect();
await redis.stop();
