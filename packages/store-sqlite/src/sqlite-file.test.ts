import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { StaleEpochError, type Store } from '@cadenza/core';
import { newJob, scheduleDefinition } from '@cadenza/core/testing';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from './migrations.js';
import { DUE_DELAYED, EXPIRED_LEASES, FINISHED_BY_TENANT, NEXT_DUE } from './pinned-statements.js';
import { createSqliteStore } from './sqlite-store.js';

const T0 = Date.UTC(2026, 0, 1);
const TTL = 10_000;

let dir: string;
let path: string;
let opened: Store[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cadenza-sqlite-file-'));
  path = join(dir, 'cadenza.db');
  opened = [];
});

afterEach(async () => {
  await Promise.all(opened.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

function open(options: { tenantWeights?: Record<string, number> } = {}): Store {
  const store = createSqliteStore({ path, ...options });
  opened.push(store);
  return store;
}

describe('sqlite store on a file', () => {
  it('opens in WAL mode at the current schema version', () => {
    open();
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it('two stores on one file share one queue: no job twice, the turn carries across them', async () => {
    const a = open();
    const b = open();
    const acme = Array.from({ length: 6 }, () => newJob({ tenant: 'acme' }));
    const beta = Array.from({ length: 6 }, () => newJob({ tenant: 'beta' }));
    await a.enqueue(acme, T0);
    await b.enqueue(beta, T0);
    const tenants: string[] = [];
    const ids = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const [job] = await (i % 2 === 0 ? a : b).claim({ workerId: `w${i % 2}`, limit: 1, leaseMs: 1000, now: T0 });
      if (job !== undefined) {
        tenants.push(job.tenant);
        ids.add(job.id);
      }
    }
    expect(ids.size).toBe(12);
    for (let i = 1; i < tenants.length; i++) expect(tenants[i]).not.toBe(tenants[i - 1]);
  });

  it('the claim path, due times and unique keys are served by indexes', () => {
    open();
    const db = new Database(path, { readonly: true });
    const plan = (sql: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
    try {
      expect(
        plan("SELECT id FROM jobs WHERE status = 'waiting' AND priority = 5 AND tenant = 'a' ORDER BY qseq LIMIT 1"),
      ).toContain('jobs_claim');
      // The store's own statements, pinned to their partial indexes (pinned-statements.ts).
      expect(plan(DUE_DELAYED, 5, 10)).toBe('SEARCH jobs USING INDEX jobs_delayed (run_at<?)');
      expect(plan(EXPIRED_LEASES, 5, 10)).toBe('SEARCH jobs USING INDEX jobs_leases (lease_expires_at<?)');
      expect(plan(NEXT_DUE)).toMatch(/COVERING INDEX jobs_delayed.*COVERING INDEX jobs_leases/);
      expect(plan(NEXT_DUE)).not.toMatch(/jobs_status|SCAN jobs\b(?! USING)/);
      expect(plan(FINISHED_BY_TENANT)).toMatch(/^SCAN jobs USING INDEX jobs_finished/);
      expect(plan("SELECT * FROM jobs WHERE tenant = 'a' AND idempotency_key = 'k'")).toContain('jobs_idempotency');
      expect(
        plan('SELECT * FROM schedules WHERE paused = 0 AND next_fire_at IS NOT NULL AND next_fire_at <= 5'),
      ).toContain('schedules_due');
    } finally {
      db.close();
    }
  });

  it('two stores on one file (as two processes) share one count of a tenant’s schedules', async () => {
    const a = open();
    const b = open();
    const limit = { maxSchedulesPerTenant: 2 };
    await a.upsertSchedule(scheduleDefinition({ id: 'from-a' }), T0, limit);
    await b.upsertSchedule(scheduleDefinition({ id: 'from-b' }), T0, limit);
    await expect(a.upsertSchedule(scheduleDefinition({ id: 'third' }), T0, limit)).rejects.toMatchObject({
      code: 'resource_exhausted',
    });
    expect((await b.listSchedules({ tenant: 'acme', limit: 10 })).schedules.map((s) => s.id)).toEqual([
      'from-a',
      'from-b',
    ]);
    // The count reads one tenant's rows through the primary key, not the whole table.
    const db = new Database(path, { readonly: true });
    try {
      const plan = db.prepare("EXPLAIN QUERY PLAN SELECT count(*) FROM schedules WHERE tenant = 'a'").all();
      expect(JSON.stringify(plan)).toContain('USING PRIMARY KEY (tenant=?)');
    } finally {
      db.close();
    }
  });

  it('two stores on one file (as two processes) never both lead', async () => {
    const a = open();
    const b = open();
    const first = await a.acquireLeadership('node-a', TTL, T0);
    expect(first).toMatchObject({ nodeId: 'node-a' });
    expect(await b.acquireLeadership('node-b', TTL, T0 + 1)).toBeUndefined();
    expect(await b.getLeadership(T0 + 1)).toEqual(first);
    // Expired: b takes over with a higher epoch, and a's fence is refused from then on.
    const second = await b.acquireLeadership('node-b', TTL, T0 + TTL);
    expect(second?.epoch).toBeGreaterThan(first?.epoch ?? Number.POSITIVE_INFINITY);
    expect(await a.acquireLeadership('node-a', TTL, T0 + TTL + 1)).toBeUndefined();
    if (first === undefined) throw new Error('a should have led');
    expect(await a.renewLeadership(first, TTL, T0 + TTL + 1)).toBeUndefined();
    await expect(a.promoteDelayed(first, T0 + TTL + 1, 10)).rejects.toBeInstanceOf(StaleEpochError);
  });

  it('two stores racing for the lease: exactly one wins each round, epochs only grow', async () => {
    const stores = [open(), open(), open()];
    const epochs: number[] = [];
    for (let round = 0; round < 20; round++) {
      const now = T0 + round * TTL;
      const results = await Promise.all(stores.map((s, i) => s.acquireLeadership(`node-${i}`, TTL, now)));
      const winners = results.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      epochs.push(winners[0]?.epoch ?? 0);
    }
    for (let i = 1; i < epochs.length; i++) expect(epochs[i]).toBeGreaterThan(epochs[i - 1] ?? 0);
  });

  it('waits for another connection’s write, then sees its lease (real concurrency, a thread)', async () => {
    const store = open();
    await store.getLeadership(T0); // the file exists, at the current version
    // Another connection (in a thread, as another process would be) takes the write lock,
    // writes itself in as leader, holds the lock 150 ms, then commits.
    const worker = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const Database = require(workerData.module);
       const db = new Database(workerData.path, { timeout: 5000 });
       db.exec('BEGIN IMMEDIATE');
       const row = db.prepare('SELECT epoch FROM leader WHERE id = 1').get();
       db.prepare('UPDATE leader SET node_id = ?, epoch = ?, expires_at = ? WHERE id = 1')
         .run('other-process', row.epoch + 1, workerData.expiresAt);
       parentPort.postMessage('locked');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
       db.exec('COMMIT');
       db.close();`,
      {
        eval: true,
        workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), path, expiresAt: T0 + TTL },
      },
    );
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    await new Promise((resolve) => worker.once('message', resolve));
    // Blocks on the busy timeout until the other commits, then finds the lease taken.
    expect(await store.acquireLeadership('this-process', TTL, T0)).toBeUndefined();
    expect(await store.getLeadership(T0 + 1)).toMatchObject({ nodeId: 'other-process', epoch: 1 });
    await exited;
  });

  it('keeps every job, schedule, lease, turn and the leader across a reopen', async () => {
    const first = open({ tenantWeights: { acme: 2 } });
    const jobs = [
      newJob({ tenant: 'acme', payload: { n: 1 } }),
      newJob({ tenant: 'acme', payload: { n: 2 } }),
      newJob({ tenant: 'acme', payload: { n: 3 } }),
      newJob({ tenant: 'beta', idempotencyKey: 'once' }),
      newJob({ tenant: 'beta', runAt: T0 + 60_000 }),
    ];
    await first.enqueue(jobs, T0);
    const [claimed] = await first.claim({ workerId: 'w', limit: 1, leaseMs: 30_000, now: T0 });
    const { schedule } = await first.upsertSchedule(
      {
        id: 'digest',
        tenant: 'acme',
        trigger: { kind: 'cron', cron: '*/5 * * * *', tz: 'Europe/Paris' },
        job: {
          name: 'report',
          payload: { x: [1, 2] },
          priority: 7,
          tags: ['t'],
          maxAttempts: 2,
          backoff: { type: 'fixed', delayMs: 10 },
          timeoutMs: 1000,
        },
        misfire: 'all',
        maxCatchUp: 5,
        misfireGraceMs: 1000,
        paused: false,
      },
      T0,
    );
    const lease = await first.acquireLeadership('c1', TTL, T0);
    const before = await first.listJobs({ limit: 100 });
    await first.close();

    const second = open({ tenantWeights: { acme: 2 } });
    expect(await second.listJobs({ limit: 100 })).toEqual(before);
    expect(await second.getSchedule('acme', 'digest')).toEqual(schedule);
    expect(await second.getLeadership(T0 + 1)).toEqual(lease);
    const [again] = await second.enqueue([newJob({ tenant: 'beta', idempotencyKey: 'once' })], T0);
    expect(again).toMatchObject({ id: jobs[3]?.id, created: false });
    // The turn carried over: acme (weight 2) had one claim, so it has one more, then beta.
    const next = await second.claim({ workerId: 'w', limit: 2, leaseMs: 30_000, now: T0 });
    expect(claimed?.tenant).toBe('acme');
    expect(next.map((j) => j.id)).toEqual([jobs[1]?.id, jobs[3]?.id]);
    if (claimed === undefined) throw new Error('a job should have been claimed');
    expect(await second.heartbeat([{ jobId: claimed.id, token: claimed.lease.token }], 30_000, T0 + 1)).toEqual(['ok']);
  });

  it('refuses a database written by a newer version, naming the file and both versions', () => {
    open();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    let error: unknown;
    try {
      createSqliteStore({ path });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'unavailable' });
    const message = String((error as Error).message);
    expect(message).toContain(path);
    expect(message).toContain(String(SCHEMA_VERSION + 1));
    expect(message).toContain(`(${SCHEMA_VERSION})`);
    // Untouched: the version is still the newer one.
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    check.close();
  });

  it('a second process waiting on the write lock past busyTimeoutMs is told unavailable', async () => {
    const store = createSqliteStore({ path, busyTimeoutMs: 50 });
    opened.push(store);
    const blocker = new Database(path);
    blocker.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.enqueue([newJob()], T0)).rejects.toMatchObject({ code: 'unavailable' });
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    expect(await store.enqueue([newJob()], T0)).toHaveLength(1);
  });

  it('creates the directory of a new database file', async () => {
    const nested = join(dir, 'a', 'b', 'cadenza.db');
    const store = createSqliteStore({ path: nested });
    opened.push(store);
    await store.enqueue([newJob()], T0);
    expect((await store.listJobs({ limit: 10 })).jobs).toHaveLength(1);
  });

  it('refuses a file that is not a database as unavailable', () => {
    writeFileSync(path, 'this is not a database, just some text that is long enough to have a header'.repeat(10));
    expect(() => createSqliteStore({ path })).toThrow(expect.objectContaining({ code: 'unavailable' }));
  });

  it('refuses a path that is not a string, and a weight that is not positive', () => {
    expect(() => createSqliteStore({ path: '' })).toThrow(/path/);
    expect(() => createSqliteStore({ path, tenantWeights: { acme: 0 } })).toThrow(/tenantWeights\.acme/);
  });
});
