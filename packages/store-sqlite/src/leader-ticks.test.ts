import type { Store, StoreSignal } from '@cadenza/core';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { tempDatabase } from './temp-database.test-helpers.js';

const T0 = Date.UTC(2026, 0, 1);
const TTL = 10_000;

const file = tempDatabase('ticks');

function recordTick(store: Store): NonNullable<Store['recordLeaderTick']> {
  const record = store.recordLeaderTick;
  if (record === undefined) throw new Error('the sqlite store should keep the leader’s ticks');
  return record.bind(store);
}

function leaderColumns(): string[] {
  const db = new Database(file.path, { readonly: true });
  try {
    return (db.prepare('PRAGMA table_info(leader)').all() as { name: string }[]).map((c) => c.name);
  } finally {
    db.close();
  }
}

describe('sqlite store: the leader’s last tick', () => {
  it('a file of schema version 5 with a leader gains the column when it is opened, the lease kept', async () => {
    // What cadenza wrote before version 6: the first five migrations, and a live lease.
    const old = new Database(file.path);
    for (const step of MIGRATIONS.slice(0, 5)) old.exec(step);
    old.pragma('user_version = 5');
    old.prepare("UPDATE leader SET node_id = 'c1', epoch = 3, expires_at = ? WHERE id = 1").run(T0 + TTL);
    old.close();
    expect(leaderColumns()).not.toContain('ticked_at');

    const store = file.open();
    const db = new Database(file.path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
    expect(leaderColumns()).toContain('ticked_at');
    // The term goes on, with no tick until its leader ticks.
    expect(await store.getLeadership(T0)).toEqual({ nodeId: 'c1', epoch: 3, expiresAt: T0 + TTL });
    await recordTick(store)({ nodeId: 'c1', epoch: 3 }, T0 + 1000);
    expect(await store.getLeadership(T0 + 2000)).toEqual({
      nodeId: 'c1',
      epoch: 3,
      expiresAt: T0 + TTL,
      lastTickAt: T0 + 1000,
    });
  });

  it('another process on the file (cadenza status beside cadenza dev) sees when the leader ticked', async () => {
    const dev = file.open();
    const status = file.open();
    const lease = await dev.acquireLeadership('dev-1', TTL, T0);
    if (lease === undefined) throw new Error('dev-1 should lead');
    expect((await status.getLeadership(T0))?.lastTickAt).toBeUndefined();
    await recordTick(dev)(lease, T0 + 250);
    expect(await status.getLeadership(T0 + 300)).toEqual({ ...lease, lastTickAt: T0 + 250 });
  });

  it('a tick signals nothing, so it cannot wake the coordinator into another tick', async () => {
    const store = file.open();
    const signals: StoreSignal[] = [];
    store.subscribe((signal) => signals.push(signal));
    const lease = await store.acquireLeadership('c1', TTL, T0);
    if (lease === undefined) throw new Error('c1 should lead');
    await recordTick(store)(lease, T0 + 1);
    expect(signals).toEqual([]);
    expect((await store.getLeadership(T0 + 1))?.lastTickAt).toBe(T0 + 1);
  });
});
