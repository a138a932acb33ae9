// Several real Node processes on one file: they share the work without a job claimed twice,
// one's enqueue wakes another, and a process killed with SIGKILL loses nothing it
// acknowledged. The children run the built package (see assertBuilt).
import { type NewJob, prepareJob, realClock } from '@cadenza/core';
import { tempFolder } from '@cadenza/core/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, type Child, runChild } from './child-process.test-helpers.js';
import { createLmdbStore } from './index.js';

const folder = tempFolder('store-lmdb', 'lmdb');
const children = new Set<Child>();

beforeAll(() => assertBuilt());
afterEach(() => {
  for (const child of children) child.proc.kill('SIGKILL');
  children.clear();
});

function child(body: string, env: Record<string, string>): Child {
  const started = runChild(body, env);
  children.add(started);
  return started;
}

/** Enqueues its share one job at a time, claiming and settling as it goes, then drains until all `TOTAL` jobs succeeded. */
const WORKER = `
const { LMDB_PATH: path, ME: me } = process.env;
const share = Number(process.env.SHARE);
const total = Number(process.env.TOTAL);
const store = await createLmdbStore({ path, pollMs: 20 });
let wake = () => {};
store.subscribe(() => wake());
async function work() {
  const now = realClock.now();
  const jobs = await store.claim({ workerId: me, limit: 2, leaseMs: 600000, now });
  for (const job of jobs) console.log('claimed ' + job.id);
  if (jobs.length > 0) {
    const settled = jobs.map((job) => ({ jobId: job.id, token: job.lease.token, outcome: 'succeeded', result: me }));
    const states = await store.settle(settled, now);
    if (states.some((state) => state !== 'ok')) throw new Error('a settle was refused: ' + states);
  }
  return jobs.length;
}
async function succeeded() {
  let count = 0;
  let cursor;
  do {
    const page = await store.listJobs({ status: 'succeeded', limit: 1000, ...(cursor ? { cursor } : {}) });
    count += page.jobs.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}
for (let i = 0; i < share; i++) {
  const now = realClock.now();
  const [made] = await store.enqueue([prepareJob({ name: 'shared', payload: { by: me, i } }, now)], now);
  console.log('enqueued ' + made.id);
  await work();
}
while ((await work()) > 0 || (await succeeded()) < total) {
  await new Promise((resolve) => { wake = resolve; setTimeout(resolve, 50); });
}
await store.close();
console.log('done');
`;

/**
 * Waits for a 'ready' signal, then claims and prints what it got. The store's look at the
 * file does not keep a process alive (a real one has its server or loops): this one waits
 * on a timer of its own.
 */
const LISTENER = `
const store = await createLmdbStore({ path: process.env.LMDB_PATH });
const woken = new Promise((resolve) => store.subscribe((signal) => { if (signal === 'ready') resolve(); }));
const alive = setInterval(() => {}, 1000);
console.log('listening');
await woken;
clearInterval(alive);
const jobs = await store.claim({ workerId: 'listener', limit: 1, leaseMs: 60000, now: realClock.now() });
console.log('claimed ' + jobs.map((job) => job.id).join(','));
await store.close();
`;

/** Enqueues (and now and then claims and settles) forever, printing each acknowledged change. */
const PRODUCER = `
const store = await createLmdbStore({ path: process.env.LMDB_PATH, minCheckpointBytes: 8192 });
for (let i = 0; ; i++) {
  const now = realClock.now();
  const [made] = await store.enqueue([prepareJob({ name: 'acked', payload: { i, pad: 'x'.repeat(200) } }, now)], now);
  console.log('enqueued ' + made.id);
  if (i % 3 === 0) {
    const [job] = await store.claim({ workerId: 'producer', limit: 1, leaseMs: 600000, now });
    if (job) {
      await store.settle([{ jobId: job.id, token: job.lease.token, outcome: 'succeeded', result: i }], now);
      console.log('settled ' + job.id);
    }
  }
}
`;

const idsOf = (lines: readonly string[], verb: string): string[] =>
  lines.filter((line) => line.startsWith(`${verb} `)).map((line) => line.slice(verb.length + 1));

describe('several processes on one lmdb file', () => {
  it('share the work: every job is claimed exactly once, and all succeed', async () => {
    const path = folder.file();
    const share = 100;
    const workers = ['a', 'b', 'c'].map((me) =>
      child(WORKER, { LMDB_PATH: path, ME: me, SHARE: String(share), TOTAL: String(3 * share) }),
    );
    const exits = await Promise.all(workers.map((worker) => worker.exited));
    expect(exits, workers.map((worker) => worker.stderr()).join('\n')).toEqual(
      workers.map(() => ({ code: 0, signal: null })),
    );
    const enqueued = workers.flatMap((worker) => idsOf(worker.lines, 'enqueued'));
    const claimed = workers.flatMap((worker) => idsOf(worker.lines, 'claimed'));
    expect(enqueued).toHaveLength(3 * share);
    expect(claimed.toSorted()).toEqual(enqueued.toSorted());
    const store = await createLmdbStore({ path });
    const jobs = await store.getJobs(enqueued);
    expect(jobs.map((job) => job?.status)).toEqual(enqueued.map(() => 'succeeded'));
    expect((await store.doctor({ repair: false, now: realClock.now() })).findings).toEqual([]);
    await store.close();
  }, 30_000);

  it('wakes a process when another enqueues', async () => {
    const path = folder.file();
    const store = await createLmdbStore({ path });
    const listener = child(LISTENER, { LMDB_PATH: path });
    await listener.line((line) => line === 'listening');
    const now = realClock.now();
    const [made] = await store.enqueue([prepare(now)], now);
    // Seen through the file within a few of the listener's 100 ms looks, not by a sleep here.
    const claimed = await listener.line((line) => line.startsWith('claimed '), 3000);
    expect(claimed).toBe(`claimed ${made?.id}`);
    expect(await listener.exited).toEqual({ code: 0, signal: null });
    expect((await store.getJob(made?.id ?? ''))?.status).toBe('active');
    await store.close();
  }, 15_000);

  it('keeps every acknowledged write of a process killed with SIGKILL, in a file doctor finds sound', async () => {
    const path = folder.file();
    const producer = child(PRODUCER, { LMDB_PATH: path });
    // Killed mid-stream, past several checkpoints (one each time the log outgrows the last, 8 KiB at least).
    await producer.line(() => idsOf(producer.lines, 'enqueued').length >= 300, 20_000);
    producer.proc.kill('SIGKILL');
    expect(await producer.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const enqueued = idsOf(producer.lines, 'enqueued');
    const settled = new Set(idsOf(producer.lines, 'settled'));
    expect(enqueued.length).toBeGreaterThanOrEqual(300);
    const store = await createLmdbStore({ path });
    const jobs = await store.getJobs(enqueued);
    expect(jobs.filter((job) => job === undefined)).toEqual([]);
    for (const job of jobs) if (job !== undefined && settled.has(job.id)) expect(job.status).toBe('succeeded');
    expect((await store.doctor({ repair: false, now: realClock.now() })).findings).toEqual([]);
    // And the file goes on taking writes.
    const now = realClock.now();
    await store.enqueue([prepare(now)], now);
    await store.close();
  }, 30_000);
});

function prepare(now: number): NewJob {
  return prepareJob({ name: 'woken', payload: { at: now } }, now);
}
