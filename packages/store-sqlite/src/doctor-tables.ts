import { isFinalStatus, type JobStatus, MAX_PRIORITY, MIN_PRIORITY } from '@cadenza/core';
import type { Ctx } from './context.js';
import { type Candidate, CHUNK, type Chunk } from './doctor-scan.js';
import { joinRing, leaveRingIfEmpty } from './fairness.js';

/*
 * `doctor` for the tables beside the jobs: the ring of tenants claims read (fairness.ts),
 * the turns, and rows that name a job no longer kept (the foreign keys delete those, but
 * only on a connection that has them on), plus tables no version of cadenza made.
 */

type BandKey = [priority: number, tenant: string];
export const FIRST_BAND: BandKey = [-1, ''];

const hasWaiting = (c: Ctx, priority: number, tenant: string) =>
  c.sql("SELECT 1 FROM jobs WHERE status = 'waiting' AND priority = ? AND tenant = ? LIMIT 1").get(priority, tenant) !==
  undefined;
const inRing = (c: Ctx, priority: number, tenant: string) =>
  c.sql('SELECT 1 FROM ring WHERE priority = ? AND tenant = ?').get(priority, tenant) !== undefined;

/** Ring rows in key order: each must have a waiting job (else claims visit an empty queue). */
export function ringChunk(c: Ctx, from: BandKey, seen: { maxSeq: number }): Chunk<BandKey> {
  const rows = c
    .sql('SELECT priority, tenant, pos FROM ring WHERE (priority, tenant) > (?, ?) ORDER BY priority, tenant LIMIT ?')
    .all(...from, CHUNK) as { priority: number; tenant: string; pos: number }[];
  const candidates: Candidate[] = [];
  for (const { priority, tenant, pos } of rows) {
    seen.maxSeq = Math.max(seen.maxSeq, pos);
    if (hasWaiting(c, priority, tenant)) continue;
    candidates.push({
      check: 'band-index',
      subject: `${tenant}/${priority}`,
      recheck: (c2) =>
        inRing(c2, priority, tenant) && !hasWaiting(c2, priority, tenant)
          ? 'in the ring claims read, but none of its jobs is waiting'
          : undefined,
      // What a claim does when it meets such a row; the turn moves on as when a queue empties.
      fix: (c2) => {
        leaveRingIfEmpty(c2, priority, tenant);
        return 'taken out of the ring';
      },
    });
  }
  const last = rows[rows.length - 1];
  return { candidates, next: rows.length < CHUNK || last === undefined ? undefined : [last.priority, last.tenant] };
}

/** Every (band, tenant) with waiting jobs, one index seek each: each must be in the ring. */
export function waitingBandsChunk(c: Ctx, from: BandKey): Chunk<BandKey> {
  const candidates: Candidate[] = [];
  let at: BandKey | undefined = from;
  for (let n = 0; n < CHUNK && at !== undefined; n++) {
    const row = c
      .sql(
        `SELECT priority, tenant FROM jobs WHERE status = 'waiting' AND (priority, tenant) > (?, ?)
         ORDER BY priority, tenant LIMIT 1`,
      )
      .get(...at) as { priority: number; tenant: string } | undefined;
    at = row === undefined ? undefined : [row.priority, row.tenant];
    if (row === undefined || inRing(c, row.priority, row.tenant)) continue;
    const { priority, tenant } = row;
    candidates.push({
      check: 'band-index',
      subject: `${tenant}/${priority}`,
      recheck: (c2) =>
        hasWaiting(c2, priority, tenant) && !inRing(c2, priority, tenant)
          ? 'has waiting jobs, but is not in the ring claims read, so none is claimed'
          : undefined,
      fix: (c2) => {
        joinRing(c2, priority, tenant);
        return 'added to the ring';
      },
    });
  }
  return { candidates, next: at };
}

/** Each band has its turn row (claims update it in place; without it the turn never moves). */
export function turnCandidates(c: Ctx): Candidate[] {
  const have = new Set((c.sql('SELECT priority FROM turns').all() as { priority: number }[]).map((r) => r.priority));
  const candidates: Candidate[] = [];
  for (let p = MIN_PRIORITY; p <= MAX_PRIORITY; p++) {
    if (have.has(p)) continue;
    candidates.push({
      check: 'band-index',
      subject: `band ${p}`,
      recheck: (c2) =>
        c2.sql('SELECT 1 FROM turns WHERE priority = ?').get(p) === undefined ? 'has no turn row' : undefined,
      fix: (c2) => {
        c2.sql('INSERT INTO turns (priority, cursor_pos, served) VALUES (?, 0, 0)').run(p);
        return 'turn row added, at the start of the ring';
      },
    });
  }
  return candidates;
}

/** job_deps rows by seq: both ends must be kept jobs. */
export function edgeChunk(c: Ctx, from: number): Chunk<number> {
  const rows = c
    .sql(
      `SELECT d.seq, d.child_id, d.parent_id,
         EXISTS (SELECT 1 FROM jobs WHERE id = d.child_id) AS child, EXISTS (SELECT 1 FROM jobs WHERE id = d.parent_id) AS parent
       FROM job_deps d WHERE d.seq > ? ORDER BY d.seq LIMIT ?`,
    )
    .all(from, CHUNK) as { seq: number; child_id: string; parent_id: string; child: number; parent: number }[];
  const candidates = rows
    .filter((r) => r.child === 0 || r.parent === 0)
    .map((r): Candidate => {
      const recheck = (c2: Ctx) => {
        const row = c2
          .sql(
            `SELECT EXISTS (SELECT 1 FROM jobs WHERE id = d.child_id) AS child,
               EXISTS (SELECT 1 FROM jobs WHERE id = d.parent_id) AS parent FROM job_deps d WHERE d.seq = ?`,
          )
          .get(r.seq) as { child: number; parent: number } | undefined;
        if (row === undefined || (row.child !== 0 && row.parent !== 0)) return undefined;
        return `links child ${r.child_id} to parent ${r.parent_id}, but ${row.child === 0 ? 'the child' : 'the parent'} is not kept`;
      };
      return {
        check: 'orphans',
        subject: `job_deps/${r.seq}`,
        recheck,
        fix: deleteWith('DELETE FROM job_deps WHERE seq = ?', r.seq, CASCADED),
      };
    });
  const last = rows[rows.length - 1];
  return { candidates, next: rows.length < CHUNK || last === undefined ? undefined : last.seq };
}

/** pending_parents rows by rowid: each a kept job that has ended (else releasing it is moot). */
export function pendingChunk(c: Ctx, from: number, seen: { maxSeq: number }): Chunk<number> {
  const rows = c
    .sql(
      `SELECT p.rowid AS rid, p.job_id, p.seq, (SELECT status FROM jobs WHERE id = p.job_id) AS status
       FROM pending_parents p WHERE p.rowid > ? ORDER BY p.rowid LIMIT ?`,
    )
    .all(from, CHUNK) as { rid: number; job_id: string; seq: number; status: JobStatus | null }[];
  const candidates: Candidate[] = [];
  for (const { job_id: id, seq, status } of rows) {
    seen.maxSeq = Math.max(seen.maxSeq, seq);
    if (status !== null && isFinalStatus(status)) continue;
    const recheck = (c2: Ctx) => {
      const row = c2
        .sql('SELECT (SELECT status FROM jobs WHERE id = p.job_id) AS status FROM pending_parents p WHERE p.job_id = ?')
        .get(id) as { status: JobStatus | null } | undefined;
      if (row === undefined) return undefined;
      if (row.status === null) return 'queued to release its children, but no such job is kept';
      return isFinalStatus(row.status) ? undefined : `queued to release its children, but the job is ${row.status}`;
    };
    // Safe: releasing a parent not kept or not ended leaves every child as it is.
    const done = status === null ? CASCADED : 'dropped from the queue';
    const fix = deleteWith('DELETE FROM pending_parents WHERE job_id = ?', id, done);
    candidates.push({ check: status === null ? 'orphans' : 'dependencies', subject: id, recheck, fix });
  }
  const last = rows[rows.length - 1];
  return { candidates, next: rows.length < CHUNK || last === undefined ? undefined : last.rid };
}

/** job_tags rows by key: each of a kept job. */
export function tagChunk(c: Ctx, from: [string, string]): Chunk<[string, string]> {
  const rows = c
    .sql(
      `SELECT t.job_id, t.tag, EXISTS (SELECT 1 FROM jobs WHERE id = t.job_id) AS kept
       FROM job_tags t WHERE (t.job_id, t.tag) > (?, ?) ORDER BY t.job_id, t.tag LIMIT ?`,
    )
    .all(...from, CHUNK) as { job_id: string; tag: string; kept: number }[];
  const candidates = rows
    .filter((r) => r.kept === 0)
    .map(
      (r): Candidate => ({
        check: 'orphans',
        subject: r.job_id,
        recheck: (c2) =>
          c2.sql('SELECT 1 FROM job_tags WHERE job_id = ? AND tag = ?').get(r.job_id, r.tag) !== undefined &&
          c2.sql('SELECT 1 FROM jobs WHERE id = ?').get(r.job_id) === undefined
            ? `job_tags files tag ${JSON.stringify(r.tag)} under it, but no such job is kept`
            : undefined,
        fix: (c2) => {
          c2.sql('DELETE FROM job_tags WHERE job_id = ? AND tag = ?').run(r.job_id, r.tag);
          return CASCADED;
        },
      }),
    );
  const last = rows[rows.length - 1];
  return { candidates, next: rows.length < CHUNK || last === undefined ? undefined : [last.job_id, last.tag] };
}

/** past_attempts rows by seq: each of a kept job. */
export function pastAttemptChunk(c: Ctx, from: number): Chunk<number> {
  const rows = c
    .sql(
      `SELECT p.seq, p.job_id, EXISTS (SELECT 1 FROM jobs WHERE id = p.job_id) AS kept
       FROM past_attempts p WHERE p.seq > ? ORDER BY p.seq LIMIT ?`,
    )
    .all(from, CHUNK) as { seq: number; job_id: string; kept: number }[];
  const candidates = rows
    .filter((r) => r.kept === 0)
    .map(
      (r): Candidate => ({
        check: 'orphans',
        subject: `past_attempts/${r.seq}`,
        recheck: (c2) =>
          c2.sql('SELECT 1 FROM past_attempts WHERE seq = ?').get(r.seq) !== undefined &&
          c2.sql('SELECT 1 FROM jobs WHERE id = ?').get(r.job_id) === undefined
            ? `keeps a past attempt of job ${r.job_id}, but no such job is kept`
            : undefined,
        fix: deleteWith('DELETE FROM past_attempts WHERE seq = ?', r.seq, CASCADED),
      }),
    );
  const last = rows[rows.length - 1];
  return { candidates, next: rows.length < CHUNK || last === undefined ? undefined : last.seq };
}

function deleteWith(statement: string, key: string | number, done: string): (c: Ctx) => string {
  return (c) => {
    c.sql(statement).run(key);
    return done;
  };
}

const CASCADED = 'deleted, as the foreign key would have';

const OUR_TABLES = new Set([
  'counters',
  'jobs',
  'job_deps',
  'pending_parents',
  'ring',
  'turns',
  'schedules',
  'leader',
  'buckets',
  'job_tags',
  'activity',
  'past_attempts',
]);

/** Tables, views and triggers no version of cadenza made: reported, never dropped (not ours). */
export function strangerCandidates(c: Ctx): Candidate[] {
  const rows = c
    .sql("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger') AND name NOT LIKE 'sqlite_%'")
    .all() as { type: string; name: string }[];
  return rows
    .filter((r) => r.type !== 'table' || !OUR_TABLES.has(r.name))
    .map((r) => ({
      check: 'orphans',
      subject: r.name,
      recheck: (c2: Ctx) =>
        c2.sql('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?').get(r.type, r.name) === undefined
          ? undefined
          : `a ${r.type} no part of cadenza made or reads`,
    }));
}
