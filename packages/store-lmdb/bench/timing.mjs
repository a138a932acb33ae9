// How long the lmdb: store takes through the Store API, in one process: 10,000 jobs
// enqueued, claimed and settled one call each (awaited in turn, every call its own committed
// transaction), then one call each with 100 in flight (calls made together share a
// transaction: call-batch.ts), then in batches, then how long a new process's open takes on the resulting file
// and how large it is. Core's memory store runs the same calls for comparison: the
// difference is the file.
//
//   node packages/store-lmdb/bench/timing.mjs [--jobs 10000]
//
// Needs a build first (`npx -y pnpm@12.4.2 build`).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createMemoryStore, prepareJob, realClock } from '@cadenza/core';
import { createLmdbStore } from '@cadenza/store-lmdb';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '10000' } } });
const JOBS = Number(values.jobs);
// Each call is made at the real time, as a running process would (ids then ascend as in use).
const newJob = (i) => prepareJob({ name: 'noop', payload: { i } }, realClock.now());

/** Milliseconds `work` takes (a monotonic clock: process.hrtime). */
async function time(work) {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function oneByOne(store) {
  const claimed = [];
  const enqueue = await time(async () => {
    for (let i = 0; i < JOBS; i++) await store.enqueue([newJob(i)], realClock.now());
  });
  const claim = await time(async () => {
    for (let i = 0; i < JOBS; i++)
      claimed.push(...(await store.claim({ workerId: 'w', limit: 1, leaseMs: 60_000, now: realClock.now() })));
  });
  const settle = await time(async () => {
    for (const job of claimed) {
      await store.settle(
        [{ jobId: job.id, token: job.lease.token, outcome: 'succeeded', result: null }],
        realClock.now(),
      );
    }
  });
  return { enqueue, claim, settle };
}

/** One job a call as oneByOne, but 100 calls in flight at once (as a busy process makes them). */
async function concurrent(store) {
  const claimed = [];
  const inGroups = async (count, call) => {
    for (let i = 0; i < count; i += 100)
      await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, k) => call(i + k)));
  };
  const enqueue = await time(() => inGroups(JOBS, (i) => store.enqueue([newJob(i)], realClock.now())));
  const claim = await time(() =>
    inGroups(JOBS, async () => {
      claimed.push(...(await store.claim({ workerId: 'w', limit: 1, leaseMs: 60_000, now: realClock.now() })));
    }),
  );
  const settle = await time(() =>
    inGroups(claimed.length, (i) =>
      store.settle(
        [{ jobId: claimed[i].id, token: claimed[i].lease.token, outcome: 'succeeded', result: null }],
        realClock.now(),
      ),
    ),
  );
  return { enqueue, claim, settle };
}

async function batched(store) {
  const claimed = [];
  const enqueue = await time(async () => {
    for (let i = 0; i < JOBS; i += 1000) {
      await store.enqueue(
        Array.from({ length: Math.min(1000, JOBS - i) }, (_, k) => newJob(i + k)),
        realClock.now(),
      );
    }
  });
  const claim = await time(async () => {
    for (;;) {
      const jobs = await store.claim({ workerId: 'w', limit: 100, leaseMs: 60_000, now: realClock.now() });
      if (jobs.length === 0) break;
      claimed.push(...jobs);
    }
  });
  const settle = await time(async () => {
    for (let i = 0; i < claimed.length; i += 100) {
      const settlements = claimed
        .slice(i, i + 100)
        .map((job) => ({ jobId: job.id, token: job.lease.token, outcome: 'succeeded', result: null }));
      await store.settle(settlements, realClock.now());
    }
  });
  return { enqueue, claim, settle };
}

const print = (line) => process.stdout.write(`${line}\n`);
const row = (label, t) =>
  print(
    `${label.padEnd(34)} enqueue ${t.enqueue.toFixed(0).padStart(6)} ms  claim ${t.claim.toFixed(0).padStart(6)} ms  settle ${t.settle.toFixed(0).padStart(6)} ms  (${((1000 * (t.enqueue + t.claim + t.settle)) / (3 * JOBS)).toFixed(0)} µs a call per job)`,
  );

const dir = mkdtempSync(join(tmpdir(), 'cadenza-lmdb-timing-'));
try {
  print(`${JOBS.toLocaleString('en')} jobs, Node ${process.version}`);
  row('memory, one job a call', await oneByOne(createMemoryStore()));
  const path = join(dir, 'state.lmdb');
  const store = await createLmdbStore({ path });
  row('lmdb:, one job a call', await oneByOne(store));
  row('lmdb:, one job a call, 100 at once', await concurrent(store));
  row('lmdb:, batches (1,000 / 100 / 100)', await batched(store));
  await store.close();
  let reopened;
  const open = await time(async () => {
    reopened = await createLmdbStore({ path });
  });
  const kept = (await reopened.listJobs({ status: 'succeeded', limit: 1 })).jobs.length;
  await reopened.close();
  print(
    `open of the file holding ${(3 * JOBS).toLocaleString('en')} finished jobs: ${open.toFixed(0)} ms; ` +
      `file ${(statSync(path).size / 1e6).toFixed(1)} MB${kept === 1 ? '' : ' (jobs missing!)'}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
