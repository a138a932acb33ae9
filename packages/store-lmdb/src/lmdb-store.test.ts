import { existsSync } from 'node:fs';
import { truncate, writeFile } from 'node:fs/promises';
import { deserialize, serialize } from 'node:v8';
import type { ClaimedJob, Store } from '@cadenza/core';
import { newJob, scheduleDefinition, tempFolder } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import { createLmdbStore } from './index.js';
import { META, openLmdbFile } from './lmdb-file.js';

const folder = tempFolder('store-lmdb', 'lmdb');
const T0 = Date.UTC(2026, 0, 1);
const LEASE_MS = 30_000;

/** A mix of every kind of write, `rounds` times: enqueues, claims, settles (each outcome), cancels, schedules. */
async function busy(store: Store, rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const now = T0 + round * 1000;
    const tenant = round % 3 === 0 ? 'acme' : 'beta';
    await store.enqueue(
      [newJob({ tenant, priority: round % 10 }, now), newJob({ tenant: 'gamma', payload: { round } }, now)],
      now,
    );
    const claimed: ClaimedJob[] = await store.claim({ workerId: `w${round % 2}`, limit: 2, leaseMs: LEASE_MS, now });
    const [first, second] = claimed;
    if (first !== undefined) {
      await store.settle([{ jobId: first.id, token: first.lease.token, outcome: 'succeeded', result: round }], now);
    }
    if (second !== undefined && round % 4 === 0) {
      const error = { code: 'handler_error', message: 'it broke' } as const;
      await store.settle([{ jobId: second.id, token: second.lease.token, outcome: 'failed', error }], now);
    } else if (second !== undefined) {
      await store.heartbeat([{ jobId: second.id, token: second.lease.token }], LEASE_MS, now);
    }
    if (round % 5 === 0) {
      const [job] = await store.enqueue([newJob({ tenant }, now)], now);
      if (job !== undefined) await store.cancel(job.id, now);
    }
    if (round % 7 === 0) await store.upsertSchedule(scheduleDefinition({ id: `s${round % 3}` }), now);
  }
}

function lmdbEntries(path: string): { checkpointSeq: number; logEntries: number } {
  const file = openLmdbFile(path);
  try {
    const bytes = file.meta.get(META.checkpointSeq);
    return {
      checkpointSeq: bytes === undefined ? 0 : (deserialize(bytes) as number),
      logEntries: file.log.getKeysCount(),
    };
  } finally {
    void file.root.close();
  }
}

describe('lmdb store file', () => {
  it('keeps the state across close and reopen', async () => {
    const path = folder.file();
    const store = await createLmdbStore({ path });
    const [result] = await store.enqueue([newJob({ payload: { hello: 'world' } })], T0);
    await store.close();
    const reopened = await createLmdbStore({ path });
    expect(await reopened.getJob(result?.id ?? '')).toMatchObject({ status: 'waiting', payload: { hello: 'world' } });
    await reopened.close();
  });

  it('gives the same state from the last checkpoint and the log after it, across several checkpoints', async () => {
    const path = folder.file();
    const store = await createLmdbStore({ path, minCheckpointBytes: 4096 });
    await busy(store, 120);
    const live = store.exportState();
    const depths = await store.depths();
    await store.close();
    const { checkpointSeq, logEntries } = lmdbEntries(path);
    // Several checkpoints were written (each deletes the log it covers), and a tail is left.
    expect(checkpointSeq).toBeGreaterThan(0);
    expect(logEntries).toBeGreaterThan(0);
    expect(logEntries).toBeLessThan(checkpointSeq);
    const reopened = await createLmdbStore({ path, minCheckpointBytes: 4096 });
    expect(reopened.exportState()).toEqual(live);
    expect(await reopened.depths()).toEqual(depths);
    await reopened.close();
  });

  it('keeps two stores on one file in step, each seeing the other’s writes and claims', async () => {
    const path = folder.file();
    const a = await createLmdbStore({ path, minCheckpointBytes: 8192 });
    const b = await createLmdbStore({ path, minCheckpointBytes: 8192 });
    await busy(a, 30);
    await busy(b, 30);
    await busy(a, 10);
    expect(b.exportState()).toEqual(a.exportState());
    await b.enqueue([newJob({ tenant: 'delta' }), newJob({ tenant: 'delta' })], T0);
    const waiting = (await a.listJobs({ status: 'waiting', limit: 1000 })).jobs.length;
    const fromA = await a.claim({ workerId: 'a', limit: 1000, leaseMs: LEASE_MS, now: T0 });
    expect(fromA).toHaveLength(waiting);
    expect(await b.claim({ workerId: 'b', limit: 1000, leaseMs: LEASE_MS, now: T0 })).toEqual([]);
    // b settles a's claim with the token a drew: the log carried it.
    const [one] = fromA;
    if (one === undefined) throw new Error('a claimed a job');
    expect(await b.settle([{ jobId: one.id, token: one.lease.token, outcome: 'succeeded', result: 1 }], T0)).toEqual([
      'ok',
    ]);
    expect(await a.getJob(one.id)).toMatchObject({ status: 'succeeded', result: 1 });
    await a.close();
    await b.close();
  });

  it('makes the options of the last store opened with them the file’s; one opened without keeps them', async () => {
    const path = folder.file();
    const a = await createLmdbStore({ path, resources: { gpu: 1 } });
    await a.enqueue([newJob({ resources: { gpu: 1 } }), newJob({ resources: { gpu: 1 } })], T0);
    expect(await a.claim({ workerId: 'a', limit: 2, leaseMs: LEASE_MS, now: T0 })).toHaveLength(1);
    const b = await createLmdbStore({ path, resources: { gpu: 2 } });
    const c = await createLmdbStore({ path });
    // a now decides with b's capacity, as c does.
    expect(await a.claim({ workerId: 'a', limit: 2, leaseMs: LEASE_MS, now: T0 })).toHaveLength(1);
    expect(c.exportState()).toEqual(a.exportState());
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('answers calls made together in the order made, from one transaction; a refused one fails alone', async () => {
    const store = await createLmdbStore({ path: folder.file() });
    const job = newJob();
    const [enqueued, refused, read, claimed] = await Promise.allSettled([
      store.enqueue([job], T0),
      store.cancel('acme:nope', T0),
      store.getJob(job.id),
      store.claim({ workerId: 'w', limit: 5, leaseMs: LEASE_MS, now: T0 }),
    ]);
    expect(enqueued).toMatchObject({ status: 'fulfilled', value: [{ id: job.id, created: true }] });
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'not_found' } });
    expect(read).toMatchObject({ status: 'fulfilled', value: { id: job.id, status: 'waiting' } });
    expect(claimed).toMatchObject({ status: 'fulfilled', value: [{ id: job.id }] });
    await store.close();
  });

  it('throws away a change whose commit failed, and goes on from the file', async () => {
    const path = folder.file();
    const store = await createLmdbStore({ path });
    const log = (store as unknown as { file: { log: { putSync: (...args: unknown[]) => boolean } } }).file.log;
    const putSync = log.putSync;
    log.putSync = () => {
      throw new Error('MDB_MAP_FULL: the disk is full');
    };
    const lost = newJob();
    await expect(store.enqueue([lost], T0)).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining(path),
    });
    // Every call of a transaction that did not commit fails, reads included.
    const first = newJob();
    const second = newJob();
    const failed = await Promise.allSettled([
      store.enqueue([first], T0),
      store.getJob(lost.id),
      store.enqueue([second], T0),
    ]);
    expect(failed.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    log.putSync = putSync;
    expect(await store.getJobs([lost.id, first.id, second.id])).toEqual([undefined, undefined, undefined]);
    const kept = newJob();
    await store.enqueue([kept], T0);
    expect((await store.getJob(kept.id))?.status).toBe('waiting');
    expect((await store.doctor({ repair: false, now: T0 })).findings).toEqual([]);
    await store.close();
  });
});

describe('lmdb store refusals', () => {
  it('creates a missing file and its folder', async () => {
    const path = `${folder.dir}/a/b/new.lmdb`;
    const store = await createLmdbStore({ path });
    expect(await store.depths()).toEqual([]);
    await store.close();
  });

  it('refuses a file of a newer format, naming the path', async () => {
    const path = folder.file();
    await (await createLmdbStore({ path })).close();
    const file = openLmdbFile(path);
    file.meta.putSync(META.format, serialize(99));
    await file.root.close();
    const refusal = createLmdbStore({ path });
    await expect(refusal).rejects.toMatchObject({ code: 'unavailable' });
    await expect(refusal).rejects.toThrow(`lmdb:${path}: it was written by a newer cadenza (format 99`);
  });

  it('refuses a file that is not an LMDB file, naming the path', async () => {
    const path = folder.file();
    await writeFile(path, 'this is not a database, '.repeat(2000));
    const refusal = createLmdbStore({ path });
    await expect(refusal).rejects.toMatchObject({ code: 'unavailable' });
    await expect(refusal).rejects.toThrow(`cannot open store lmdb:${path}: it is not an LMDB file`);
  });

  it('refuses a folder, naming the path', async () => {
    const refusal = createLmdbStore({ path: folder.dir });
    await expect(refusal).rejects.toMatchObject({ code: 'unavailable' });
    await expect(refusal).rejects.toThrow(`cannot open store lmdb:${folder.dir}: it cannot be read`);
  });

  it('refuses an LMDB file cut short, naming the path', async () => {
    const path = folder.file();
    const store = await createLmdbStore({ path });
    await store.enqueue([newJob()], T0);
    await store.close();
    await truncate(path, 4096);
    const refusal = createLmdbStore({ path });
    await expect(refusal).rejects.toMatchObject({ code: 'unavailable' });
    await expect(refusal).rejects.toThrow(`cannot open store lmdb:${path}: it is truncated`);
  });

  it('refuses bad options before touching the file', async () => {
    const path = folder.file();
    await expect(createLmdbStore({ path, tenantWeights: { acme: -1 } })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(createLmdbStore({ path, minCheckpointBytes: 0 })).rejects.toThrow('minCheckpointBytes');
    await expect(createLmdbStore({ path: '' })).rejects.toMatchObject({ code: 'invalid_argument', field: 'path' });
    expect(existsSync(path)).toBe(false);
  });
});
