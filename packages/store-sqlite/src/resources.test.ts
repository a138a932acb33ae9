import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@cadenza/core';
import { newJob, scheduleDefinition, scheduleJob } from '@cadenza/core/testing';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from './migrations.js';
import { ACTIVE_HOLDINGS } from './pinned-statements.js';
import { SCHEMA_V1, SCHEMA_V2 } from './schema.js';
import { createSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

// What the conformance suite cannot see: gates across processes sharing one file, files
// from before resources, the bounded skipping, and the SQL behind it.
const T0 = Date.UTC(2026, 0, 1);

let dir: string;
let path: string;
let opened: Store[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cadenza-sqlite-resources-'));
  path = join(dir, 'cadenza.db');
  opened = [];
});

afterEach(async () => {
  await Promise.all(opened.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

function open(options: Omit<SqliteStoreOptions, 'path'> = {}): Store {
  const store = createSqliteStore({ path, ...options });
  opened.push(store);
  return store;
}

async function claimNames(store: Store, now: number, limit = 10): Promise<string[]> {
  return (await store.claim({ workerId: 'w', limit, leaseMs: 60_000, now })).map((job) => job.name);
}

describe('sqlite resources and job concurrency', () => {
  it('holds a capacity across two stores on one file', async () => {
    const a = open({ resources: { gpu: 1 }, jobConcurrency: { report: 1 } });
    const b = open({ resources: { gpu: 1 }, jobConcurrency: { report: 1 } });
    await a.enqueue(
      [
        newJob({ name: 'train', resources: { gpu: 1 } }),
        newJob({ name: 'train', resources: { gpu: 1 } }),
        newJob({ name: 'report', tenant: 'beta' }),
        newJob({ name: 'report', tenant: 'beta' }),
      ],
      T0,
    );
    expect((await claimNames(a, T0, 1)).concat(await claimNames(a, T0, 1)).sort()).toEqual(['report', 'train']);
    expect(await claimNames(b, T0)).toEqual([]);
  });

  it('migrates a version 2 file holding jobs to version 3', async () => {
    const old = new Database(path);
    old.exec(SCHEMA_V1);
    old.exec(SCHEMA_V2);
    old.pragma('user_version = 2');
    old
      .prepare(
        `INSERT INTO jobs (id, tenant, name, status, priority, tags, max_attempts, depends_on, created_at, qseq)
         VALUES ('j1', 'acme', 'email.send', 'waiting', 5, '[]', 1, '[]', ?, 1)`,
      )
      .run(T0);
    old.prepare("INSERT INTO ring (priority, tenant, pos) VALUES (5, 'acme', 2)").run();
    old.prepare("UPDATE counters SET value = 2 WHERE name = 'seq'").run();
    old.close();
    const store = open({ jobConcurrency: { 'email.send': 1 }, resources: { gpu: 1 } });
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
    // The old job declares nothing (no `resources` key) and is gated by its name.
    const job = await store.getJob('j1');
    expect(job).toMatchObject({ id: 'j1', status: 'waiting' });
    expect(job !== undefined && 'resources' in job).toBe(false);
    await store.enqueue(
      [newJob(), newJob({ name: 'train', resources: { gpu: 1 } }), newJob({ name: 'train', resources: { gpu: 1 } })],
      T0,
    );
    const first = await store.claim({ workerId: 'w', limit: 10, leaseMs: 60_000, now: T0 });
    // j1 (first in line) takes email.send's one slot; one train takes the gpu.
    expect(first.map((claimed) => [claimed.id === 'j1', claimed.name])).toEqual([
      [true, 'email.send'],
      [false, 'train'],
    ]);
    expect(await claimNames(store, T0)).toEqual([]);
  });

  it('keeps resources on a schedule’s template and on the jobs it fires', async () => {
    const store = open({ resources: { gpu: 4 } });
    const { schedule } = await store.upsertSchedule(
      scheduleDefinition({
        id: 'nightly',
        trigger: { kind: 'manual' },
        job: scheduleJob({ name: 'train', resources: { gpu: 2 } }),
      }),
      T0,
    );
    expect((await store.getSchedule('acme', 'nightly'))?.job.resources).toEqual({ gpu: 2 });
    expect(schedule.job.resources).toEqual({ gpu: 2 });
    const fired = await store.triggerSchedule('acme', 'nightly', T0);
    expect(fired.resources).toEqual({ gpu: 2 });
  });

  it('looks past blocked jobs to one that fits, and stops skipping past its budget', async () => {
    const store = open({ resources: { gpu: 1 } });
    const blocked = Array.from({ length: 100 }, () => newJob({ name: 'train', resources: { gpu: 1 } }));
    await store.enqueue([...blocked, newJob({ name: 'email.send' })], T0);
    expect(await claimNames(store, T0)).toEqual(['train', 'email.send']);
    // 300 jobs that cannot start ahead of one that can: the claim gives up after its budget
    // rather than read them all; the job behind them waits, and other tenants go on.
    await store.enqueue(
      Array.from({ length: 300 }, () => newJob({ name: 'train', resources: { gpu: 1 } })),
      T0,
    );
    await store.enqueue([newJob({ name: 'late' }), newJob({ name: 'other', tenant: 'beta' })], T0);
    expect(await claimNames(store, T0)).toEqual(['other']);
  });

  it('reads holdings from the covering partial index', () => {
    open({});
    const db = new Database(path, { readonly: true });
    try {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${ACTIVE_HOLDINGS}`).all() as {
        detail: string;
      }[];
      expect(plan.map((step) => step.detail).join('\n')).toContain('jobs_active_gates');
    } finally {
      db.close();
    }
  });
});
