import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DoctorCheck, Store } from '@cadenza/core';
import { newJob, scheduleDefinition, scheduleJob } from '@cadenza/core/testing';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';

/*
 * Each test breaks one invariant in a real file through a second connection (as another
 * program, or a bug, could; orphans need foreign keys off, as the sqlite3 shell has them),
 * then: doctor finds exactly that, `repair` fixes it and says so, and a second doctor
 * finds nothing — or, for what cannot be fixed safely, still finds it.
 */

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const NOW = T0 + 2 * MINUTE;
const dir = mkdtempSync(join(tmpdir(), 'cadenza-sqlite-doctor-'));
let files = 0;
let open: { store: Store; db: Database.Database }[] = [];

afterEach(async () => {
  for (const { store, db } of open) {
    db.close();
    await store.close();
  }
  open = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface World {
  store: Store;
  /** A second connection to the same file. */
  db: Database.Database;
  waiting: string;
  active: string;
  child: string;
}

let ids = 0;
const job = (fields: Parameters<typeof newJob>[0] = {}) =>
  newJob({ id: `${fields?.tenant ?? 'acme'}:job-${String(++ids).padStart(6, '0')}`, ...fields });

/** A file holding a waiting job (tagged), an active one, a parent that succeeded with a blocked child, a schedule. */
async function world(extra = 0): Promise<World> {
  files += 1;
  const path = join(dir, `store-${files}.db`);
  const store = await createSqliteStore({ path });
  const parent = job({ priority: 9 });
  const active = job({ priority: 9 });
  const child = job({ dependsOn: [parent.id] });
  await store.enqueue([parent, active, child], T0);
  const claimed = await store.claim({ workerId: 'w1', limit: 2, leaseMs: 30_000, now: T0 });
  const parentClaim = claimed.find((j) => j.id === parent.id);
  if (parentClaim === undefined) throw new Error('the parent was claimed');
  await store.settle([{ jobId: parent.id, token: parentClaim.lease.token, outcome: 'succeeded', result: 1 }], T0);
  const waiting = job({ tenant: 'beta', tags: ['nightly'] });
  await store.enqueue([waiting, job({ runAt: T0 + 60 * MINUTE })], T0);
  if (extra > 0)
    await store.enqueue(
      Array.from({ length: extra }, () => job({ tenant: 'bulk', priority: 1 })),
      T0,
    );
  await store.upsertSchedule(
    scheduleDefinition({ id: 'every', tenant: 'acme', job: scheduleJob({ name: 'digest' }), maxCatchUp: 10 }),
    T0,
  );
  const db = new Database(path);
  open.push({ store, db });
  expect((await doctor(store, false)).findings).toEqual([]);
  return { store, db, waiting: waiting.id, active: active.id, child: child.id };
}

function doctor(store: Store, repair: boolean) {
  if (store.doctor === undefined) throw new Error('the sqlite store has a doctor');
  return store.doctor({ repair, now: NOW });
}

async function expectRepaired(w: World, check: DoctorCheck, subject: string): Promise<void> {
  const found = await doctor(w.store, false);
  expect(found.findings.map((f) => [f.check, f.subject, f.repaired])).toEqual([[check, subject, undefined]]);
  const fixed = await doctor(w.store, true);
  expect(fixed.findings).toEqual([{ check, subject, message: expect.any(String), repaired: expect.any(String) }]);
  expect((await doctor(w.store, false)).findings).toEqual([]);
}

async function expectReportedOnly(w: World, check: DoctorCheck, subject: string): Promise<void> {
  for (const repair of [false, true, false]) {
    expect((await doctor(w.store, repair)).findings).toEqual([{ check, subject, message: expect.any(String) }]);
  }
}

describe('sqlite store doctor', () => {
  it('counts what it checked', async () => {
    const w = await world();
    expect((await doctor(w.store, false)).checked).toEqual({ tenants: 2, jobs: 5, schedules: 1 });
  });

  it('adds back to the ring a band whose waiting jobs it lost, and they are claimed again', async () => {
    const w = await world();
    w.db.prepare("DELETE FROM ring WHERE tenant = 'beta'").run();
    await expectRepaired(w, 'band-index', 'beta/5');
    const claimed = await w.store.claim({ workerId: 'w1', limit: 10, leaseMs: 30_000, now: NOW });
    expect(claimed.map((j) => j.id)).toContain(w.waiting);
  });

  it('takes out of the ring a band with no waiting job', async () => {
    const w = await world();
    w.db.prepare("INSERT INTO ring (priority, tenant, pos) VALUES (3, 'ghost', 1)").run();
    await expectRepaired(w, 'band-index', 'ghost/3');
  });

  it('adds a turn row a band lost', async () => {
    const w = await world();
    w.db.prepare('DELETE FROM turns WHERE priority = 4').run();
    await expectRepaired(w, 'band-index', 'band 4');
  });

  it("files a job's tags again", async () => {
    const w = await world();
    w.db.prepare('DELETE FROM job_tags WHERE job_id = ?').run(w.waiting);
    await expectRepaired(w, 'indexes', w.waiting);
    expect((await w.store.listJobs({ tag: 'nightly', limit: 10 })).jobs.map((j) => j.id)).toEqual([w.waiting]);
  });

  it("files a child's parent links again", async () => {
    const w = await world();
    w.db.prepare('DELETE FROM job_deps WHERE child_id = ?').run(w.child);
    await expectRepaired(w, 'dependencies', w.child);
  });

  it('queues the ended parent of a blocked child that nothing would release', async () => {
    const w = await world();
    w.db.prepare('DELETE FROM pending_parents').run();
    await expectRepaired(w, 'dependencies', w.child);
    const lease = await w.store.acquireLeadership('c1', 30_000, NOW);
    if (lease === undefined) throw new Error('could not lead');
    expect(await w.store.releaseDependents(lease, NOW, 10)).toBe(1);
    expect((await w.store.getJob(w.child))?.status).toBe('waiting');
  });

  it('drops a queued parent that has not ended', async () => {
    const w = await world();
    w.db.prepare('INSERT INTO pending_parents (job_id, ended_at, seq) VALUES (?, ?, 1)').run(w.waiting, T0);
    await expectRepaired(w, 'dependencies', w.waiting);
  });

  it('deletes a parent link naming a job that is not kept', async () => {
    const w = await world();
    w.db.pragma('foreign_keys = OFF');
    const { lastInsertRowid } = w.db
      .prepare("INSERT INTO job_deps (child_id, parent_id) VALUES (?, 'acme:ghost')")
      .run(w.waiting);
    await expectRepaired(w, 'orphans', `job_deps/${lastInsertRowid}`);
  });

  it('deletes a tag of a job that is not kept', async () => {
    const w = await world();
    w.db.pragma('foreign_keys = OFF');
    w.db
      .prepare("INSERT INTO job_tags (job_id, tag, tenant, created_at) VALUES ('acme:ghost', 'x', 'acme', ?)")
      .run(T0);
    await expectRepaired(w, 'orphans', 'acme:ghost');
  });

  it('clears a lease a waiting job still holds', async () => {
    const w = await world();
    w.db
      .prepare("UPDATE jobs SET lease_worker = 'w9', lease_token = 't', lease_expires_at = ? WHERE id = ?")
      .run(NOW, w.waiting);
    await expectRepaired(w, 'leases', w.waiting);
  });

  it("sets a schedule's nextFireAt that is not a fire time of its trigger", async () => {
    const w = await world();
    w.db.prepare("UPDATE schedules SET next_fire_at = ? WHERE id = 'every'").run(T0 + 7);
    await expectRepaired(w, 'schedules', 'acme/every');
    expect((await w.store.getSchedule('acme', 'every'))?.nextFireAt).toBe(NOW + MINUTE);
  });

  it('moves the sequence past every place in line in use', async () => {
    const w = await world();
    w.db.prepare("UPDATE counters SET value = 1 WHERE name = 'seq'").run();
    await expectRepaired(w, 'counts', 'counters/seq');
  });

  it('reports an active job with no lease, and leaves it', async () => {
    const w = await world();
    w.db
      .prepare('UPDATE jobs SET lease_worker = NULL, lease_token = NULL, lease_expires_at = NULL WHERE id = ?')
      .run(w.active);
    await expectReportedOnly(w, 'leases', w.active);
  });

  it('reports a table no part of cadenza made, and leaves it', async () => {
    const w = await world();
    w.db.exec('CREATE TABLE notes (text TEXT)');
    await expectReportedOnly(w, 'orphans', 'notes');
  });

  it('reads a file of more jobs than one chunk, and finds what is wrong past the first', async () => {
    const w = await world(2500);
    const last = w.db.prepare("SELECT id FROM jobs WHERE tenant = 'bulk' ORDER BY rowid DESC LIMIT 1").get() as {
      id: string;
    };
    w.db.prepare('DELETE FROM job_tags WHERE job_id = ?').run(w.waiting);
    w.db.prepare('UPDATE jobs SET tags = ? WHERE id = ?').run('["late"]', last.id);
    const found = await doctor(w.store, false);
    expect(found.checked).toEqual({ tenants: 3, jobs: 2505, schedules: 1 });
    expect(found.findings.map((f) => [f.check, f.subject]).sort()).toEqual(
      [
        ['indexes', w.waiting],
        ['indexes', last.id],
      ].sort(),
    );
  });
});
