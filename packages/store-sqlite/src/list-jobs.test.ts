import { newJob } from '@cadenza/core/testing';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MAX_LIST_READ } from './list-jobs.js';
import { SCHEMA_VERSION } from './migrations.js';
import { tempDatabase } from './temp-database.test-helpers.js';

const T0 = Date.UTC(2026, 0, 1);

const file = tempDatabase('list');

describe('sqlite listJobs on a file', () => {
  it('reads a bounded stretch for a filter pair no index holds: an empty page with a cursor, then the matches', async () => {
    const store = file.open();
    // Three acme jobs named "rare" among the oldest, then MAX_LIST_READ newer "rare" jobs of beta.
    const oldest = [
      ...Array.from({ length: 3 }, () => newJob({ tenant: 'acme', name: 'rare' }, T0)),
      ...Array.from({ length: 100 }, () => newJob({ tenant: 'beta', name: 'rare' }, T0)),
    ];
    await store.enqueue(oldest, T0);
    await store.enqueue(
      Array.from({ length: MAX_LIST_READ }, () => newJob({ tenant: 'beta', name: 'rare' }, T0 + 1)),
      T0 + 1,
    );
    const expected = oldest
      .slice(0, 3)
      .map((job) => job.id)
      .sort()
      .reverse();

    const first = await store.listJobs({ tenant: 'acme', name: 'rare', limit: 50 });
    expect(first.jobs).toEqual([]);
    expect(first.nextCursor).toBeDefined();
    const second = await store.listJobs({ tenant: 'acme', name: 'rare', limit: 50, cursor: first.nextCursor });
    expect(second.jobs.map((job) => job.id)).toEqual(expected);
    expect(second.nextCursor).toBeUndefined();

    // A filter an index holds alone fills its page at once.
    const beta = await store.listJobs({ tenant: 'beta', limit: 50 });
    expect(beta.jobs).toHaveLength(50);
  });

  it('a file of schema version 3 gets its jobs’ tags filed when it is opened', async () => {
    const first = file.open();
    const tagged = [newJob({ tags: ['red', 'blue'] }), newJob({ tags: ['red'] }), newJob({ tenant: 'beta', tags: [] })];
    await first.enqueue(tagged, T0);
    await first.close();
    // Turn the file back into what version 3 wrote: no job_tags, none of the new indexes,
    // no leader tick (version 6), nothing the dashboard reads (version 7).
    const db = new Database(file.path);
    db.exec(`DROP TABLE job_tags;
      DROP INDEX jobs_status_newest; DROP INDEX jobs_name_newest; DROP INDEX jobs_tenant_status_newest;
      ALTER TABLE leader DROP COLUMN ticked_at;
      DROP TABLE activity; DROP TABLE past_attempts; ALTER TABLE schedules DROP COLUMN last_job_id;
      PRAGMA user_version = 3;`);
    db.close();

    const store = file.open();
    const tag = async (name: string) => (await store.listJobs({ tag: name, limit: 10 })).jobs.map((j) => j.id).sort();
    expect(await tag('red')).toEqual([tagged[0]?.id, tagged[1]?.id].sort());
    expect(await tag('blue')).toEqual([tagged[0]?.id]);
    const check = new Database(file.path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    check.close();
  });

  it('a deleted job takes its tags with it', async () => {
    const store = file.open();
    const [job] = await store.enqueue([newJob({ tags: ['red'] })], T0);
    const fence = await store.acquireLeadership('c1', 10_000, T0);
    if (fence === undefined || job === undefined) throw new Error('setup failed');
    await store.cancel(job.id, T0);
    expect(await store.applyRetention(fence, { maxAgeMs: 1, maxCount: 0 }, T0 + 10)).toBe(1);
    expect((await store.listJobs({ tag: 'red', limit: 10 })).jobs).toEqual([]);
    const db = new Database(file.path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM job_tags').get()).toEqual({ n: 0 });
    db.close();
  });
});
