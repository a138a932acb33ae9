import { type DoctorCheck, isFinalStatus, type JobStatus } from '@cadenza/core';
import { verdictOf } from '@cadenza/core/store-kit';
import type { Ctx } from './context.js';
import type { Candidate } from './doctor-scan.js';

/*
 * `doctor` for what each job row implies elsewhere in the file: its tags in job_tags (the
 * tag listing), its `depends_on` in job_deps (the children index), its lease columns (set
 * while active, kept when canceled, else none), the columns its status is indexed by
 * (delayed by run_at, final by finished_at), and, for a blocked job whose parents all
 * ended, a parent queued in pending_parents to release it. The same facts are read for a
 * chunk of rows while scanning and for one row when a finding is looked at again.
 */

interface JobRow {
  rid: number;
  id: string;
  tenant: string;
  status: JobStatus;
  tags: string;
  depends_on: string;
  run_at: number | null;
  finished_at: number | null;
  lease_token: string | null;
  lease_expires_at: number | null;
  lease_worker: string | null;
  created_at: number;
  qseq: number;
}

interface Parent {
  status: JobStatus;
  finished_at: number | null;
  created_at: number;
  pending: number;
}

/** One job row with what other tables hold about it. */
export interface JobFacts {
  row: JobRow;
  tags: string[];
  /** Kept parent ids job_deps lists for it, as many times as listed. */
  edges: string[];
  /** Its parents that are kept, with their status and whether they are queued to release children. */
  parents: Map<string, Parent>;
}

const COLUMNS = `rowid AS rid, id, tenant, status, tags, depends_on, run_at, finished_at, lease_token,
  lease_expires_at, lease_worker, created_at, qseq`;

/** A chunk of rows in rowid order after `after`, with their facts. */
export function readJobChunk(c: Ctx, after: number, limit: number): JobFacts[] {
  const rows = c
    .sql(`SELECT ${COLUMNS} FROM jobs WHERE rowid > ? ORDER BY rowid LIMIT ?`)
    .all(after, limit) as JobRow[];
  return factsOf(c, rows);
}

/** One job's facts, read again (undefined when it is gone). */
export function readJob(c: Ctx, id: string): JobFacts | undefined {
  const rows = c.sql(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`).all(id) as JobRow[];
  return factsOf(c, rows)[0];
}

function factsOf(c: Ctx, rows: JobRow[]): JobFacts[] {
  const ids = JSON.stringify(rows.map((r) => r.id));
  const tags = groupBy(
    c.sql('SELECT job_id AS k, tag AS v FROM job_tags WHERE job_id IN (SELECT value FROM json_each(?))').all(ids),
  );
  // Links to a parent not kept are the orphan check's (doctor-tables.ts), not this job's.
  const edges = groupBy(
    c
      .sql(
        `SELECT d.child_id AS k, d.parent_id AS v FROM job_deps d JOIN jobs p ON p.id = d.parent_id
         WHERE d.child_id IN (SELECT value FROM json_each(?)) ORDER BY d.seq`,
      )
      .all(ids),
  );
  const parentIds = JSON.stringify([...new Set(rows.flatMap((r) => parseIds(r.depends_on)))]);
  const parents = new Map<string, Parent>();
  const parentRows = c
    .sql(
      `SELECT j.id, j.status, j.finished_at, j.created_at, EXISTS (SELECT 1 FROM pending_parents p WHERE p.job_id = j.id) AS pending
       FROM jobs j WHERE j.id IN (SELECT value FROM json_each(?))`,
    )
    .all(parentIds) as (Parent & { id: string })[];
  for (const { id, ...parent } of parentRows) parents.set(id, parent);
  return rows.map((row) => {
    const own = new Map<string, Parent>();
    for (const id of parseIds(row.depends_on)) {
      const parent = parents.get(id);
      if (parent !== undefined) own.set(id, parent);
    }
    return { row, tags: tags.get(row.id) ?? [], edges: edges.get(row.id) ?? [], parents: own };
  });
}

function groupBy(pairs: unknown[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { k, v } of pairs as { k: string; v: string }[]) {
    const list = map.get(k);
    if (list === undefined) map.set(k, [v]);
    else list.push(v);
  }
  return map;
}

function parseIds(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/** A per-job check: what is wrong with the facts, and how to fix it (absent: report only). */
interface JobCheck {
  check: DoctorCheck;
  problem(f: JobFacts): string | undefined;
  fix?(c: Ctx, f: JobFacts): string;
  /** Whether `fix` applies to these facts (default: whenever there is a fix). */
  fixable?(f: JobFacts): boolean;
}

const JOB_CHECKS: JobCheck[] = [
  {
    check: 'leases',
    // Its worker's token is unknown, and whether the worker still runs it: a person decides.
    problem: (f) =>
      f.row.status === 'active' && (f.row.lease_token === null || f.row.lease_expires_at === null)
        ? 'active job has no lease, so it is never taken back and no worker can settle it'
        : undefined,
  },
  {
    check: 'leases',
    problem: (f) =>
      f.row.status !== 'active' && f.row.status !== 'canceled' && f.row.lease_token !== null
        ? `${f.row.status} job still holds a lease`
        : undefined,
    // Safe: only an active (or canceled) job's lease is ever honoured.
    fix: (c, f) => {
      c.sql('UPDATE jobs SET lease_worker = NULL, lease_token = NULL, lease_expires_at = NULL WHERE id = ?').run(
        f.row.id,
      );
      return 'lease cleared';
    },
  },
  {
    check: 'indexes',
    problem: (f) =>
      f.row.status === 'delayed' && f.row.run_at === null
        ? 'delayed job has no run_at, so it is never promoted'
        : undefined,
  },
  {
    check: 'indexes',
    problem: (f) =>
      isFinalStatus(f.row.status) && f.row.finished_at === null ? `${f.row.status} job has no finished_at` : undefined,
  },
  {
    check: 'indexes',
    problem: (f) => {
      const want = [...new Set(parseIds(f.row.tags))].sort();
      const have = [...f.tags].sort();
      return same(want, have) ? undefined : `job_tags lists tags [${have}], but the job has [${want}]`;
    },
    fix: (c, f) => {
      c.sql('DELETE FROM job_tags WHERE job_id = ?').run(f.row.id);
      const insert = c.sql('INSERT INTO job_tags (job_id, tag, tenant, created_at) VALUES (?, ?, ?, ?)');
      for (const tag of new Set(parseIds(f.row.tags))) insert.run(f.row.id, tag, f.row.tenant, f.row.created_at);
      return 'tags filed again from the job';
    },
  },
  {
    check: 'dependencies',
    problem: (f) => {
      const want = expectedEdges(f);
      return same([...want].sort(), [...f.edges].sort())
        ? undefined
        : `job_deps lists parents [${f.edges}], but the job depends on kept parents [${want}]`;
    },
    fix: (c, f) => {
      c.sql('DELETE FROM job_deps WHERE child_id = ?').run(f.row.id);
      const insert = c.sql('INSERT INTO job_deps (child_id, parent_id) VALUES (?, ?)');
      for (const parent of expectedEdges(f)) insert.run(f.row.id, parent);
      return 'parent links filed again from the job';
    },
  },
  {
    check: 'dependencies',
    problem: (f) =>
      isStuck(f) ? 'blocked, though its parents have ended, and none is queued to release it' : undefined,
    fix: queueParents,
    // With no ended parent kept there is nothing to queue, and deciding its fate is a guess.
    fixable: (f) => endedParents(f).length > 0,
  },
];

/** As insertJob files them: one link per parent named, for parents still kept. */
function expectedEdges(f: JobFacts): string[] {
  return parseIds(f.row.depends_on).filter((id) => f.parents.has(id));
}

function isStuck(f: JobFacts): boolean {
  if (f.row.status !== 'blocked') return false;
  const ids = parseIds(f.row.depends_on);
  if (verdictOf(ids, (id) => f.parents.get(id)?.status).kind === 'blocked') return false;
  return ![...f.parents.values()].some((p) => isFinalStatus(p.status) && p.pending !== 0);
}

function endedParents(f: JobFacts): [string, Parent][] {
  return [...f.parents].filter(([, p]) => isFinalStatus(p.status));
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The candidates one job's facts raise; each is looked at again on its own before it is reported. */
export function jobCandidates(f: JobFacts): Candidate[] {
  const candidates: Candidate[] = [];
  for (const check of JOB_CHECKS) {
    if (check.problem(f) === undefined) continue;
    const id = f.row.id;
    const recheck = (c: Ctx) => {
      const now = readJob(c, id);
      return now === undefined ? undefined : check.problem(now);
    };
    const { fix: fixWith, fixable = () => true } = check;
    const fix = fixWith === undefined || !fixable(f) ? undefined : (c: Ctx) => fixWith(c, readJob(c, id) ?? f);
    candidates.push({ check: check.check, subject: id, recheck, fix });
  }
  return candidates;
}

function queueParents(c: Ctx, f: JobFacts): string {
  const ended = endedParents(f);
  const insert = c.sql('INSERT OR IGNORE INTO pending_parents (job_id, ended_at, seq) VALUES (?, ?, ?)');
  for (const [id, p] of ended) insert.run(id, p.finished_at ?? p.created_at, c.nextSeq());
  return `parents queued to release it: ${ended.map(([id]) => id).join(', ')}`;
}
