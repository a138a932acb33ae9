import type { PastAttempt, Store } from '@cadenza/core';
import { newJob, scheduleDefinition } from '@cadenza/core/testing';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from './migrations.js';
import { tempDatabase } from './temp-database.test-helpers.js';

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

const file = tempDatabase('dashboard');

function pastAttempts(store: Store, id: string): Promise<PastAttempt[]> {
  if (store.pastAttempts === undefined) throw new Error('the sqlite store keeps past attempts');
  return store.pastAttempts(id);
}

/** A job that failed for good and a schedule that fired, as a version 6 file holds them. */
async function versionSixFile(): Promise<{ failedId: string }> {
  const store = file.open();
  const [job] = await store.enqueue([newJob({ tenant: 'acme' })], T0);
  const [claimed] = await store.claim({ workerId: 'w1', limit: 1, leaseMs: 30_000, now: T0 });
  if (job === undefined || claimed === undefined) throw new Error('nothing claimed');
  const error = { code: 'handler_error', message: 'broke' };
  await store.settle([{ jobId: claimed.id, token: claimed.lease.token, outcome: 'failed', error }], T0 + 1000);
  await store.upsertSchedule(scheduleDefinition(), T0);
  await store.triggerSchedule('acme', 'digest', T0 + 2000);
  await store.close();
  // Take version 7 back out, as cadenza before it never made it.
  const db = new Database(file.path);
  db.exec('DROP TABLE activity; DROP TABLE past_attempts; ALTER TABLE schedules DROP COLUMN last_job_id;');
  db.pragma('user_version = 6');
  db.close();
  return { failedId: job.id };
}

function tables(): string[] {
  const db = new Database(file.path, { readonly: true });
  try {
    return (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
    ).map((r) => r.name);
  } finally {
    db.close();
  }
}

describe('sqlite store: what the dashboard reads', () => {
  it('a file of schema version 6 gains activity, past attempts and lastJobId when opened', async () => {
    const { failedId } = await versionSixFile();
    expect(tables()).not.toContain('past_attempts');

    const store = file.open();
    const db = new Database(file.path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
    expect(tables()).toEqual(expect.arrayContaining(['activity', 'past_attempts']));

    // What was there reads as before, with nothing kept yet of what version 6 did not keep.
    expect(await store.getSchedule('acme', 'digest')).toMatchObject({ runCount: 1, lastFireAt: T0 + 2000 });
    expect((await store.getSchedule('acme', 'digest'))?.lastJobId).toBeUndefined();
    expect(await pastAttempts(store, failedId)).toEqual([]);
    expect(await store.activity?.({ now: T0, minutes: 1 })).toEqual([{ at: T0, succeeded: 0, failed: 0, retried: 0 }]);

    // And from now on they are kept.
    const triggered = await store.triggerSchedule('acme', 'digest', T0 + MINUTE);
    expect((await store.getSchedule('acme', 'digest'))?.lastJobId).toBe(triggered.id);
    await store.retry(failedId, T0 + MINUTE);
    expect(await pastAttempts(store, failedId)).toEqual([
      {
        attempt: 1,
        startedAt: T0,
        endedAt: T0 + 1000,
        workerId: undefined,
        error: { code: 'handler_error', message: 'broke' },
      },
    ]);
  });

  it('doctor reports and deletes past attempts of a job that is not kept (written with foreign keys off)', async () => {
    const store = file.open();
    const [job] = await store.enqueue([newJob({ tenant: 'acme', maxAttempts: 2 })], T0);
    const [claimed] = await store.claim({ workerId: 'w1', limit: 1, leaseMs: 30_000, now: T0 });
    if (job === undefined || claimed === undefined) throw new Error('nothing claimed');
    const error = { code: 'handler_error', message: 'once' };
    await store.settle([{ jobId: claimed.id, token: claimed.lease.token, outcome: 'failed', error, retryAt: T0 }], T0);
    expect(await pastAttempts(store, job.id)).toHaveLength(1);
    expect((await store.doctor?.({ repair: false, now: T0 }))?.findings).toEqual([]);

    const db = new Database(file.path);
    db.pragma('foreign_keys = OFF');
    db.prepare(
      'INSERT INTO past_attempts (job_id, attempt, ended_at, error) VALUES (\'acme:ghost\', 1, ?, \'{"code":"x","message":"y"}\')',
    ).run(T0);
    db.close();

    const report = await store.doctor?.({ repair: true, now: T0 });
    expect(report?.findings).toEqual([
      expect.objectContaining({
        check: 'orphans',
        message: expect.stringContaining('acme:ghost'),
        repaired: expect.any(String),
      }),
    ]);
    expect((await store.doctor?.({ repair: false, now: T0 }))?.findings).toEqual([]);
    expect(await pastAttempts(store, job.id)).toHaveLength(1);
  });
});
