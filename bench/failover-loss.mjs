// The durable-writes window (issue 17): how many enqueues Redis Cluster acknowledged and then
// lost when a primary died, with `durableWrites: 0` (acknowledged by the primary alone) and
// `durableWrites: 1` (acknowledged only once a replica holds the write: Redis WAIT 1).
//
// A cluster of 3 primaries, 1 replica each, no persistence (a killed node comes back empty
// and copies its new primary, as a replica). One @cadenza/client enqueues single jobs as fast
// as it can with 100 in flight, over 30 tenants (so every primary gets some), each job with
// its own idempotency key; every acknowledged id is noted. Mid-stream a primary is SIGKILLed
// (each kill takes the next one of the current primaries); its replica takes over
// (waitForOk); the stream goes on 500 ms, then the killed node is started again from its own
// files and rejoins as a replica of the promoted one (so that durable writes to those slots
// can be acknowledged again: a primary with no replica fails every one, "0 of 1 replicas
// confirmed"), the stream goes on until it is in sync and 500 ms more, and stops. Then every
// acknowledged id is read back (store.getJobs): one that is not there was acknowledged and lost.
// Also, without kills: single-enqueue jobs/s with each setting (the cost of the WAIT).
//
//   node bench/failover-loss.mjs [--kills 5] [--in-flight 100] [--seconds 5]
//
// Needs a build first. Starts its own redis-servers and stops them, even on errors.

import { readFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createClient } from '@cadenza/client';
import { createRedisStore } from '@cadenza/store-redis';
import { startRedisCluster } from '@cadenza/store-redis/testing';
import { Redis } from 'ioredis';
import { killOwnRedisOnExit, ownRedisPids } from './lib/own-redis.mjs';
import { PAYLOAD } from './lib/payload.mjs';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '5' },
    'in-flight': { type: 'string', default: '100' },
    seconds: { type: 'string', default: '5' },
    tenants: { type: 'string', default: '30' },
    'lag-ms': { type: 'string', default: '200' },
  },
});
const KILLS = Number(values.kills);
const IN_FLIGHT = Number(values['in-flight']);
const SECONDS = Number(values.seconds);
const TENANTS = Array.from({ length: Number(values.tenants) }, (_, i) => `t${String(i).padStart(2, '0')}`);
const LAG_MS = Number(values['lag-ms']);
const CALL_TIMEOUT_MS = 15_000;

delete process.env.CADENZA_TEST_REDIS;
killOwnRedisOnExit();
const cores = os.cpus().length;
console.log(`machine: ${os.cpus()[0]?.model.trim()}, ${cores} cores; Node ${process.version}`);
console.log(
  `cluster: 3 primaries × 1 replica, cluster-node-timeout 1000 ms, no persistence; ${IN_FLIGHT} single enqueues in flight over ${TENANTS.length} tenants\n`,
);

function withTimeout(promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Enqueues with `IN_FLIGHT` loops until `stop()`; answers the acknowledged { id, at } and
 * the errors by message. A loop that met an error waits 10 ms before its next try.
 */
function stream(client, tag) {
  const acked = [];
  const errors = new Map();
  let seq = 0;
  let stopped = false;
  const loops = Array.from({ length: IN_FLIGHT }, async () => {
    while (!stopped) {
      const n = seq++;
      try {
        const result = await withTimeout(
          client.enqueue({
            name: 'noop',
            payload: PAYLOAD,
            tenant: TENANTS[n % TENANTS.length],
            idempotencyKey: `${tag}-${n}`,
          }),
        );
        acked.push({ id: result.id, at: performance.now() });
      } catch (error) {
        const message = String(error?.message ?? error).slice(0, 80);
        errors.set(message, (errors.get(message) ?? 0) + 1);
        await sleep(10);
      }
    }
  });
  return {
    acked,
    errors,
    sent: () => seq,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/**
 * store.getJobs, asked again while it answers `unavailable` (a slot map still pointing at
 * the killed node answers MOVED once; the store's contract is that the caller asks again).
 */
async function readBack(store, ids) {
  for (let tries = 1; ; tries++) {
    try {
      return await withTimeout(store.getJobs(ids));
    } catch (error) {
      if (error?.code !== 'unavailable' || tries >= 5) throw error;
      readRetries++;
      await sleep(100);
    }
  }
}
let readRetries = 0;
let staleStores = 0;

/** The pid of our own redis-server listening on `port` (one of this process's children). */
function pidOfPort(port) {
  return ownRedisPids().find((pid) => {
    try {
      // redis-server retitles itself `redis-server 127.0.0.1:PORT [cluster]`.
      return new RegExp(`:${port}\\b`).test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  });
}

/** The port of the replica of the primary on `port` (INFO replication: slave0:ip=…,port=…). */
async function replicaOf(port) {
  const admin = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  admin.on('error', () => {});
  try {
    return Number(/slave0:[^\n]*port=(\d+)/.exec(await admin.info('replication'))?.[1]);
  } finally {
    admin.disconnect();
  }
}

async function isPrimary(port) {
  const admin = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  admin.on('error', () => {});
  try {
    return /role:master/.test(await admin.info('replication'));
  } catch {
    return false;
  } finally {
    admin.disconnect();
  }
}

let cluster;
const closers = [];
const results = { throughput: {}, kills: {} };
const started = performance.now();
try {
  cluster = await startRedisCluster({ primaries: 3, replicas: 1, nodeTimeoutMs: 1000 });

  // 1. Throughput without kills, each setting twice, alternating.
  for (const round of [1, 2]) {
    for (const durableWrites of [0, 1]) {
      const prefix = cluster.prefix();
      const client = createClient({ clusterUrls: cluster.urls, prefix, durableWrites });
      await client.getJob('default:warm-up');
      const s = stream(client, `tp${round}`);
      await sleep(500); // warm-up, not counted
      const from = s.acked.length;
      const t0 = performance.now();
      await sleep(SECONDS * 1000);
      const count = s.acked.length - from;
      const rate = count / ((performance.now() - t0) / 1000);
      await s.stop();
      await client.close();
      results.throughput[durableWrites] ??= [];
      results.throughput[durableWrites].push(rate);
      const errors = [...s.errors].map(([m, n]) => `${n}× ${m}`).join('; ');
      console.log(
        `throughput round ${round}, durableWrites ${durableWrites}: ${rate.toFixed(0)} jobs/s${errors ? ` (errors: ${errors})` : ''}`,
      );
    }
  }

  // 2. Kills: alternating settings, KILLS of each.
  let victimIndex = 0;
  for (let kill = 1; kill <= KILLS; kill++) {
    for (const [durableWrites, lag] of [
      [0, false],
      [1, false],
      [0, true],
      [1, true],
    ]) {
      if (lag && LAG_MS <= 0) continue;
      const prefix = cluster.prefix();
      const client = createClient({ clusterUrls: cluster.urls, prefix, durableWrites });
      const store = createRedisStore({ clusterUrls: cluster.urls, prefix });
      await client.getJob('default:warm-up');
      const s = stream(client, `k${kill}`);
      await sleep(1000);
      const primaries = await cluster.primaries();
      const victim = primaries[victimIndex++ % primaries.length];
      // Lagging: the victim's replica is frozen (SIGSTOP) LAG_MS before the kill and thawed
      // right after it, so that the primary acknowledges writes its replica has not got — the
      // window a slow link or a busy replica opens. It then takes over as usual.
      const replicaPort = await replicaOf(victim);
      const replicaPid = lag ? pidOfPort(replicaPort) : undefined;
      if (lag) {
        if (replicaPid === undefined) throw new Error(`no replica process found for :${victim}`);
        process.kill(replicaPid, 'SIGSTOP');
        await sleep(LAG_MS);
      }
      const killedAt = performance.now();
      const ackedBefore = s.acked.length;
      await cluster.kill(victim);
      if (replicaPid !== undefined) process.kill(replicaPid, 'SIGCONT');
      // Until the replica has taken over: the other nodes may still count the dead primary
      // as serving its slots, and restarting it (empty) before then would wipe them.
      for (let polls = 0; !(await isPrimary(replicaPort)); polls++) {
        if (polls > 600) throw new Error(`the replica :${replicaPort} did not take over`);
        await sleep(50);
      }
      await cluster.waitForOk(60_000);
      const failoverMs = performance.now() - killedAt;
      await sleep(500);
      await cluster.restart(victim);
      await cluster.waitForOk(60_000);
      const rejoinMs = performance.now() - killedAt;
      await sleep(500);
      await s.stop();
      await client.close();
      const ids = s.acked.map((a) => a.id);
      const lostIds = [];
      let reading = store;
      for (let i = 0; i < ids.length; i += 1000) {
        const chunk = ids.slice(i, i + 1000);
        let jobs;
        try {
          if (reading !== store) throw Object.assign(new Error('already on a new store'), { code: 'skip' });
          jobs = await readBack(store, chunk);
        } catch (error) {
          // A store opened before the kill that still answers MOVED after 0.5 s of asking:
          // read with a store opened now (and say so: a stale slot map is a finding of its own).
          if (error?.code !== 'unavailable' && error?.code !== 'skip') throw error;
          if (reading === store) {
            staleStores++;
            console.log(
              `    the store opened before the kill still answers "${error.message}" after 5 tries; reading back with a store opened now`,
            );
            reading = createRedisStore({ clusterUrls: cluster.urls, prefix });
          }
          jobs = await readBack(reading, chunk);
        }
        jobs.forEach((job, k) => {
          if (job === undefined) lostIds.push(s.acked[i + k]);
        });
      }
      await store.close();
      if (reading !== store) await reading.close();
      const lost = lostIds.length;
      const window =
        lost === 0
          ? ''
          : ` — lost ones acknowledged ${Math.min(...lostIds.map((a) => a.at - killedAt)).toFixed(0)}…${Math.max(...lostIds.map((a) => a.at - killedAt)).toFixed(0)} ms from the kill`;
      const failed = [...s.errors.values()].reduce((a, b) => a + b, 0);
      const errors = [...s.errors].map(([m, n]) => `${n}× ${m}`).join('; ');
      const setting = `${durableWrites}${lag ? ' lag' : ''}`;
      results.kills[setting] ??= [];
      results.kills[setting].push({
        kill,
        victim,
        acked: ids.length,
        ackedBefore,
        failed,
        lost,
        failoverMs,
        rejoinMs,
      });
      console.log(
        `kill ${kill}, durableWrites ${durableWrites}${lag ? `, replica frozen ${LAG_MS} ms before` : ''}: primary :${victim} SIGKILLed after ${ackedBefore} acks; failover ${(failoverMs / 1000).toFixed(1)} s, back as a replica at ${(rejoinMs / 1000).toFixed(1)} s; ` +
          `${ids.length} acknowledged, ${failed} refused, ${lost} acknowledged and lost${window}${errors ? `\n    errors: ${errors}` : ''}`,
      );
    }
  }

  const median = (list) => {
    const sorted = [...list].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  console.log(
    '\n| durableWrites | enqueue jobs/s, no kills (single, 100 in flight) | kills | acknowledged during kill runs | refused | acknowledged but lost, per kill | lost in total | failover, median |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const key of ['0', '1', '0 lag', '1 lag']) {
    const k = results.kills[key];
    if (k === undefined) continue;
    const d = Number(key[0]);
    const tp = results.throughput[d];
    console.log(
      `| ${d}${key.endsWith('lag') ? `, replica frozen ${LAG_MS} ms before the kill` : ''} | ${median(tp).toFixed(0)} (${tp.map((v) => v.toFixed(0)).join(', ')}) | ${k.length} | ${k.reduce((a, r) => a + r.acked, 0)} | ${k.reduce((a, r) => a + r.failed, 0)} | ${k.map((r) => r.lost).join(', ')} | ${k.reduce((a, r) => a + r.lost, 0)} | ${(median(k.map((r) => r.failoverMs)) / 1000).toFixed(1)} s |`,
    );
  }
  const cost = median(results.throughput[1]) / median(results.throughput[0]);
  console.log(
    `\ndurable writes: ${(cost * 100).toFixed(0)}% of the jobs/s without (${cores} cores: every node, the client and the harness share them).`,
  );
  console.log(
    `getJobs answered 'unavailable' and was asked again ${readRetries} time(s) while reading back; ${staleStores} of ${(LAG_MS > 0 ? 4 : 2) * KILLS} read-backs had to use a store opened after the kill.`,
  );
  console.log(`wall time ${((performance.now() - started) / 1000).toFixed(0)} s`);
} finally {
  for (const close of closers) await close().catch(() => {});
  await cluster?.stop().catch((error) => console.error(`stopping the cluster: ${error.message}`));
  const left = ownRedisPids();
  if (left.length > 0) console.error(`redis-servers still running after stop: ${left.join(' ')}`);
}
