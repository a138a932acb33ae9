// Sizing a Redis Cluster for cadenza (issue 17): the same work — no-op jobs of 30 tenants
// enqueued in batches of 1,000 through @cadenza/client, then run by 2 real `cadenza worker`
// processes at concurrency 50 — on one plain redis-server (`--redis`), on a Redis Cluster of
// 1 primary and on one of 3 primaries (`--redis-cluster`). For each: enqueue and run jobs/s,
// Redis CPU per job summed over every primary (INFO cpu: used_cpu_user + used_cpu_sys, delta
// over the phase, as run.mjs's figure 6), how that CPU spread over the primaries, and the
// workers' CPU per job (/proc). Topologies alternate within a run (A1 B1 C1 A2 …); cells are
// median (min–max). cadenza only: BullMQ on a cluster needs its whole queue under one hash
// tag ({prefix}), so it would sit on one primary whatever the cluster's size.
//
//   node bench/cluster.mjs [--runs 3] [--jobs 20000] [--workers 2] [--concurrency 50]
//
// Needs a build first. Starts its own redis-servers (ignores CADENZA_TEST_REDIS) and stops
// them, even on errors. On a small machine every Redis process, the workers and this
// harness share the same cores: the figures are then indicative only (the core count is printed).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createClient } from '@cadenza/client';
import { startRedis, startRedisCluster } from '@cadenza/store-redis/testing';
import { Redis } from 'ioredis';
import { startWorkers } from './lib/cluster-workers.mjs';
import { killOwnRedisOnExit, ownRedisPids } from './lib/own-redis.mjs';
import { PAYLOAD } from './lib/payload.mjs';
import { summarize } from './lib/stats.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    jobs: { type: 'string', default: '20000' },
    workers: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '50' },
    tenants: { type: 'string', default: '30' },
  },
});
const RUNS = Number(values.runs);
const JOBS = Number(values.jobs);
const WORKERS = Number(values.workers);
const CONCURRENCY = Number(values.concurrency);
const TENANTS = Array.from({ length: Number(values.tenants) }, (_, i) => `t${String(i).padStart(2, '0')}`);
const BATCH = 1000;

delete process.env.CADENZA_TEST_REDIS; // always servers of our own: we read their CPU
killOwnRedisOnExit();

const cores = os.cpus().length;
const redisVersion = /redis_version:(\S+)/.exec(
  await (async () => {
    const { execFileSync } = await import('node:child_process');
    return execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).replace('v=', 'redis_version:');
  })(),
)?.[1];
console.log(
  `machine: ${os.cpus()[0]?.model.trim()}, ${cores} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; Node ${process.version}; Redis ${redisVersion}`,
);
if (cores <= 4) {
  console.log(
    `NOTE: ${cores} cores. Every redis-server, the ${WORKERS} workers and this harness share them: a cluster's ` +
      'primaries cannot run side by side here, so jobs/s is indicative only (Redis CPU per job is the sturdier figure).',
  );
}
console.log(
  `${JOBS.toLocaleString('en')} no-op jobs over ${TENANTS.length} tenants, batches of ${BATCH}; ${WORKERS} × cadenza worker at concurrency ${CONCURRENCY}; ${RUNS} run(s)\n`,
);

/** One CPU reading per node: used_cpu_user + used_cpu_sys, seconds. */
async function cpuOf(admins) {
  return Promise.all(
    admins.map(async (admin) => {
      const info = await admin.info('cpu');
      const field = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1]);
      return field('used_cpu_user') + field('used_cpu_sys');
    }),
  );
}

const adminOf = (port) => {
  const redis = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 2 });
  redis.on('error', () => {});
  return redis;
};

const topologies = [];
const stops = [];
try {
  const single = await startRedis();
  stops.push(() => single.stop());
  topologies.push({
    name: 'redis-server (--redis)',
    primaries: 1,
    redisArgs: ['--redis', single.url],
    clientOptions: { url: single.url },
    admins: [adminOf(single.port)],
  });
  // `redis-cli --cluster create` wants 3 primaries at least: a 1-primary cluster is one
  // cluster-enabled redis-server given every slot (CLUSTER ADDSLOTSRANGE 0 16383).
  const one = await startOneNodeCluster();
  stops.push(() => one.stop());
  topologies.push({
    name: 'Redis Cluster, 1 primary',
    primaries: 1,
    redisArgs: ['--redis-cluster', one.url],
    clientOptions: { clusterUrls: [one.url] },
    admins: [adminOf(one.port)],
  });
  const cluster = await startRedisCluster({ primaries: 3 });
  stops.push(() => cluster.stop());
  topologies.push({
    name: 'Redis Cluster, 3 primaries',
    primaries: 3,
    redisArgs: ['--redis-cluster', cluster.urls.join(',')],
    clientOptions: { clusterUrls: cluster.urls },
    admins: (await cluster.primaries()).map(adminOf),
  });
  const raw = new Map(topologies.map((t) => [t.name, {}]));
  let prefixes = 0;
  for (let run = 1; run <= RUNS; run++) {
    for (const topology of topologies) {
      const m = await measure(topology, `cz${process.pid}c${++prefixes}`);
      const own = raw.get(topology.name);
      for (const [key, value] of Object.entries(m)) {
        own[key] ??= [];
        own[key].push(value);
      }
      console.log(
        `run ${run} ${topology.name}: enqueue ${m.enqueueRate.toFixed(0)}/s, run ${m.runRate.toFixed(0)}/s, ` +
          `Redis CPU ${m.enqueueCpuUs.toFixed(1)} + ${m.runCpuUs.toFixed(1)} µs/job (busiest primary ${(m.busiestShare * 100).toFixed(0)}%), worker CPU ${m.workerCpuUs.toFixed(1)} µs/job`,
      );
    }
  }

  const cell = (list, digits) => {
    const s = summarize(list);
    const f = (v) => v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
    return list.length === 1 ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
  };
  const rows = [
    ['enqueue jobs/s (batches of 1,000, 30 tenants)', 'enqueueRate', 0],
    [`run jobs/s (${WORKERS} workers × concurrency ${CONCURRENCY})`, 'runRate', 0],
    ['Redis CPU µs / job, enqueue (sum of primaries)', 'enqueueCpuUs', 1],
    ['Redis CPU µs / job, run (sum of primaries)', 'runCpuUs', 1],
    ['Redis CPU µs / job, enqueue + run', 'totalCpuUs', 1],
    ["busiest primary's share of Redis CPU, %", 'busiestSharePct', 0],
    ['worker CPU µs / job (all workers)', 'workerCpuUs', 1],
  ];
  for (const own of raw.values()) {
    own.totalCpuUs = own.enqueueCpuUs.map((v, i) => v + own.runCpuUs[i]);
    own.busiestSharePct = own.busiestShare.map((v) => v * 100);
  }
  const header = ['', ...topologies.map((t) => t.name)];
  const body = rows.map(([label, key, digits]) => [
    label,
    ...topologies.map((t) => cell(raw.get(t.name)[key], digits)),
  ]);
  console.log('');
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const row of body) console.log(`| ${row.join(' | ')} |`);
  console.log(
    `\n${cores} cores on this machine${cores <= 4 ? ': all redis-servers, workers and the harness share them, so these figures are indicative only' : ''}.`,
  );
} finally {
  for (const t of topologies) for (const admin of t.admins) admin.disconnect();
  for (const stop of stops) await stop().catch((error) => console.error(`stopping redis: ${error.message}`));
  const left = ownRedisPids();
  if (left.length > 0) console.error(`redis-servers still running after stop: ${left.join(' ')}`);
}

/** One cluster-enabled redis-server serving all 16,384 slots, on a free port, in a temp folder. */
async function startOneNodeCluster() {
  const port = await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
  const dir = mkdtempSync(join(os.tmpdir(), 'cz-one-node-cluster-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      // Alone, a node never learns its own address: CLUSTER SLOTS would answer an empty host.
      '--cluster-announce-ip',
      '127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const admin = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
  admin.on('error', () => {});
  try {
    for (let tries = 0; ; tries++) {
      try {
        if (admin.status !== 'ready') await admin.connect();
        await admin.ping();
        break;
      } catch (error) {
        if (tries > 200) throw error;
        await sleep(25);
      }
    }
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    for (let tries = 0; !/cluster_state:ok/.test(String(await admin.cluster('INFO'))); tries++) {
      if (tries > 300) throw new Error('the one-node cluster did not reach cluster_state:ok');
      await sleep(50);
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    admin.disconnect();
  }
  return { port, url: `redis://127.0.0.1:${port}`, stop };
}

async function measure(topology, prefix) {
  const workers = await startWorkers(WORKERS, { redisArgs: topology.redisArgs, prefix, concurrency: CONCURRENCY });
  const client = createClient({ ...topology.clientOptions, prefix });
  try {
    await client.getJob('default:warm-up');
    workers.hold();
    let k = 0;
    const batch = () =>
      Array.from({ length: BATCH }, () => ({ name: 'noop', payload: PAYLOAD, tenant: TENANTS[k++ % TENANTS.length] }));
    const cpu0 = await cpuOf(topology.admins);
    const t0 = performance.now();
    for (let sent = 0; sent < JOBS; sent += BATCH) await client.enqueueBatch(batch());
    const enqueueMs = performance.now() - t0;
    const cpu1 = await cpuOf(topology.admins);
    workers.go();
    const { first, last, cpuMs, failed } = await workers.waitDone(JOBS);
    await sleep(100);
    const cpu2 = await cpuOf(topology.admins);
    if (failed > 0) console.warn(`  ${failed} job(s) failed`);
    const sum = (a) => a.reduce((s, v) => s + v, 0);
    const perNode = cpu2.map((v, i) => v - cpu0[i]);
    return {
      enqueueRate: JOBS / (enqueueMs / 1000),
      runRate: JOBS / ((last - first) / 1000),
      enqueueCpuUs: ((sum(cpu1) - sum(cpu0)) * 1e6) / JOBS,
      runCpuUs: ((sum(cpu2) - sum(cpu1)) * 1e6) / JOBS,
      busiestShare: Math.max(...perNode) / sum(perNode),
      workerCpuUs: (cpuMs * 1000) / JOBS,
    };
  } finally {
    await client.close();
    await workers.stop();
  }
}
