import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store, TenantLimits } from '@cadenza/core';
import { newJob } from '@cadenza/core/testing';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTIVE_OF_TENANT } from './pinned-statements.js';
import { SCHEMA_V1 } from './schema.js';
import { createSqliteStore } from './sqlite-store.js';

// What the conformance suite cannot see: limits across processes sharing one file,
// files from before limits, and the SQL behind them.
const T0 = Date.UTC(2026, 0, 1);

let dir: string;
let path: string;
let opened: Store[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cadenza-sqlite-limits-'));
  path = join(dir, 'cadenza.db');
  opened = [];
});

afterEach(async () => {
  await Promise.all(opened.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

function open(tenantLimits: Record<string, TenantLimits>): Store {
  const store = createSqliteStore({ path, tenantLimits });
  opened.push(store);
  return store;
}

async function claimCount(store: Store, now: number, limit = 10): Promise<number> {
  return (await store.claim({ workerId: 'w', limit, leaseMs: 60_000, now })).length;
}

describe('sqlite tenant limits', () => {
  it('holds maxActive and the rate across two stores on one file', async () => {
    const a = open({ acme: { maxActive: 3, rate: 1, burst: 2 } });
    const b = open({ acme: { maxActive: 3, rate: 1, burst: 2 } });
    await a.enqueue(
      Array.from({ length: 10 }, () => newJob({ tenant: 'acme' })),
      T0,
    );
    expect(await claimCount(a, T0)).toBe(2);
    expect(await claimCount(b, T0)).toBe(0);
    // A second later one token is back, wherever it is claimed; then maxActive (3) holds.
    expect(await claimCount(b, T0 + 1000)).toBe(1);
    expect(await claimCount(a, T0 + 5000)).toBe(0);
  });

  it('counts no refill twice when a claim’s clock is behind the last one', async () => {
    const store = open({ acme: { rate: 1, burst: 1 } });
    await store.enqueue(
      Array.from({ length: 5 }, () => newJob({ tenant: 'acme' })),
      T0,
    );
    expect(await claimCount(store, T0 + 1000)).toBe(1);
    expect(await claimCount(store, T0)).toBe(0);
    expect(await claimCount(store, T0 + 1500)).toBe(0);
    expect(await claimCount(store, T0 + 2000)).toBe(1);
  });

  it('keeps a rate that is not exact in binary from drifting', async () => {
    // 0.1 a second: one job each 10 s, for a hundred claims at 1 s steps.
    const store = open({ acme: { rate: 0.1, burst: 1 } });
    await store.enqueue(
      Array.from({ length: 20 }, () => newJob({ tenant: 'acme' })),
      T0,
    );
    let claimed = 0;
    for (let second = 0; second <= 100; second++) claimed += await claimCount(store, T0 + second * 1000);
    expect(claimed).toBe(11);
  });

  it('migrates a file written before limits and limits it', async () => {
    const old = new Database(path);
    old.exec(SCHEMA_V1);
    old.pragma('user_version = 1');
    old.close();
    const store = open({ acme: { maxActive: 1 } });
    await store.enqueue([newJob({ tenant: 'acme' }), newJob({ tenant: 'acme' })], T0);
    expect(await claimCount(store, T0)).toBe(1);
    expect(await claimCount(store, T0)).toBe(0);
  });

  it('counts a tenant’s active jobs from the partial index', () => {
    open({});
    const db = new Database(path, { readonly: true });
    try {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${ACTIVE_OF_TENANT}`).all('acme') as { detail: string }[];
      expect(plan.map((step) => step.detail).join('\n')).toContain('jobs_active_tenant');
    } finally {
      db.close();
    }
  });
});
