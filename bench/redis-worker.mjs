// No-op jobs per second through one cadenza worker on Redis, in this process: N waiting
// jobs enqueued in batches of 1,000 (timed: enqueue rate), then one Worker at the given
// concurrency drains them (timed: run rate). Redis CPU and commands per job come from
// INFO cpu and INFO commandstats deltas. The full side-by-side harness is issue 5's.
//
//   node bench/redis-worker.mjs [--jobs 50000] [--concurrency 100] [--redis URL]
//
// Needs a build first (`npx -y pnpm@12.4.2 build`). Without --redis it starts its own
// redis-server on a free port.
import { parseArgs } from 'node:util';
import { prepareJobs, withEvents } from '../packages/core/dist/index.js';
import { createRedisStore } from '../packages/store-redis/dist/index.js';
import { startRedis } from '../packages/store-redis/dist/testing/index.js';
import { Worker } from '../packages/worker/dist/index.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '50000' },
    concurrency: { type: 'string', default: '100' },
    redis: { type: 'string' },
    // Off by default here to see the data plane alone; on in every cadenza process.
    events: { type: 'boolean', default: false },
  },
});
const total = Number(values.jobs);
const concurrency = Number(values.concurrency);
if (values.redis) process.env.CADENZA_TEST_REDIS = values.redis;
const server = await startRedis();
const admin = server.client();
const prefix = server.prefix();
const store = createRedisStore({ url: server.url, prefix });

async function redisCost() {
  const cpu = await admin.info('cpu');
  const seconds = Number(/used_cpu_user:([\d.]+)/.exec(cpu)[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(cpu)[1]);
  let commands = 0;
  for (const m of (await admin.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (!['info', 'config|resetstat'].includes(m[1])) commands += Number(m[2]);
  }
  return { seconds, commands };
}
const per = (a, b) => ({ cpuUs: ((b.seconds - a.seconds) * 1e6) / total, commands: (b.commands - a.commands) / total });

// Validated as a user's input would be (ids, defaults), before the timed part.
const now = Date.now();
const jobs = [];
for (let k = 0; k < total; k += 1000) {
  const inputs = Array.from({ length: Math.min(1000, total - k) }, (_, i) => ({
    name: 'noop',
    tenant: 'bench',
    payload: { k: k + i },
  }));
  jobs.push(...prepareJobs(inputs, now));
}

let before = await redisCost();
let started = performance.now();
for (let k = 0; k < total; k += 1000) await store.enqueue(jobs.slice(k, k + 1000), Date.now());
const enqueueSeconds = (performance.now() - started) / 1000;
const enqueueCost = per(before, await redisCost());

let done = 0;
let finish;
const finished = new Promise((resolve) => {
  finish = resolve;
});
// Claim and settle sizes tell whether the worker batches as it should.
const sizes = { claims: 0, claimed: 0, settles: 0, settled: 0, claimMs: 0, settleMs: 0 };
const told = values.events ? withEvents(store, store.eventLog()) : store;
const counted = Object.create(told);
counted.claim = async (request) => {
  const t = performance.now();
  const jobs = await told.claim(request);
  sizes.claimMs += performance.now() - t;
  sizes.claims++;
  sizes.claimed += jobs.length;
  return jobs;
};
counted.settle = async (settlements, now) => {
  sizes.settles++;
  sizes.settled += settlements.length;
  const t = performance.now();
  const states = await told.settle(settlements, now);
  sizes.settleMs += performance.now() - t;
  return states;
};
const worker = new Worker({
  store: counted,
  id: 'bench-worker',
  concurrency,
  handlers: {
    noop: async () => {
      done++;
      if (done === total) finish();
    },
  },
});
before = await redisCost();
started = performance.now();
await worker.start();
await finished;
const runSeconds = (performance.now() - started) / 1000;
await worker.stop();
const runCost = per(before, await redisCost());

console.log(
  JSON.stringify(
    {
      jobs: total,
      concurrency,
      enqueue: { jobsPerSecond: Math.round(total / enqueueSeconds), ...round(enqueueCost) },
      run: {
        jobsPerSecond: Math.round(total / runSeconds),
        ...round(runCost),
        jobsPerClaim: +(sizes.claimed / sizes.claims).toFixed(1),
        jobsPerSettle: +(sizes.settled / sizes.settles).toFixed(1),
        msPerClaim: +(sizes.claimMs / sizes.claims).toFixed(2),
        msPerSettle: +(sizes.settleMs / sizes.settles).toFixed(2),
        claimsPerSecond: Math.round(sizes.claims / runSeconds),
      },
    },
    null,
    1,
  ),
);
await store.close();
await server.stop();

function round(cost) {
  return { redisCpuUsPerJob: +cost.cpuUs.toFixed(1), commandsPerJob: +cost.commands.toFixed(2) };
}
