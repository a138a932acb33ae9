import type { JobPage, JobQuery, JobStatus } from '@cadenza/core';
import { type CheckedJobQuery, checkJobQuery, type ListPosition, listCursor, listedJob } from '@cadenza/core/store-kit';
import type { Ctx } from './context.js';
import { JOB_COLUMNS, type JobRow, jobOf } from './rows.js';

/**
 * listJobs: a page newest first (by `created_at`, then `id`, both descending), read in
 * that order from an index (schema versions 4 and 5), so that no call sorts or scans the
 * job table. The index is the first of SOURCES whose filters are all asked for (and, for
 * the status indexes, which hold jobs at rest only, whose status it holds):
 *
 * - When it answers every filter asked, the page is its next `limit` entries after the
 *   cursor, and one more tells whether there is a next page.
 * - When filters are left over (say name and tenant: no index has both; or a status of
 *   waiting or active, which no index keeps in list order), they are checked
 *   on the rows of the next MAX_LIST_READ entries only. The page holds the matches among
 *   them, so it may be short, even empty; its cursor is then the last entry read, and
 *   the next call reads on from there. The caller reads until there is no cursor.
 *
 * Payload and result are read only when `include` asks for them (they are what can be
 * large: left out, SQLite never reads their overflow pages).
 */

/** The most index entries one call reads when filters are checked on rows (or `limit + 1`, when that is more). */
export const MAX_LIST_READ = 5000;

type Filter = 'tenant' | 'status' | 'name' | 'tag';

/** An index that holds jobs in list order, and the filters it answers by itself. */
export interface ListSource {
  index: string;
  keys: readonly Filter[];
  /**
   * A partial index's condition: the index serves a query only when it holds the status
   * asked for, and the query repeats the condition so that SQLite may use the index.
   */
  partial?: { where: string; statuses: readonly JobStatus[] };
}

/** Jobs at rest: the status indexes leave out waiting and active jobs, which move all the time (schema.ts, version 5). */
const AT_REST = {
  where: "jobs.status NOT IN ('waiting', 'active')",
  statuses: ['delayed', 'blocked', 'succeeded', 'failed', 'canceled'],
} as const;

/** Most specific first. A tag is answered by job_tags only, so a query with one always reads it. */
export const SOURCES: readonly ListSource[] = [
  { index: 'job_tags_tenant_newest', keys: ['tenant', 'tag'] },
  { index: 'job_tags_newest', keys: ['tag'] },
  { index: 'jobs_tenant_status_newest', keys: ['tenant', 'status'], partial: AT_REST },
  { index: 'jobs_name_newest', keys: ['name'] },
  { index: 'jobs_tenant_newest', keys: ['tenant'] },
  { index: 'jobs_status_newest', keys: ['status'], partial: AT_REST },
  { index: 'jobs_newest', keys: [] },
];

/** A statement and its parameters. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** The SQL of one page. */
export interface ListStatements {
  /** The page's rows (up to `limit + 1`), from the cursor on. */
  rows: Statement;
  /** With filters left over: where the stretch of `budget` entries that may be read ends. */
  stretchEnd?: Statement;
  /** With filters left over: the page's rows within the stretch that ends at `end`. */
  rowsWithin?: (end: ListPosition) => Statement;
}

export function listJobs(ctx: Ctx, query: JobQuery): JobPage {
  const checked = checkJobQuery(query);
  const statements = listStatements(checked, Math.max(MAX_LIST_READ, checked.limit + 1));
  const { stretchEnd, rowsWithin } = statements;
  const end =
    stretchEnd === undefined
      ? undefined
      : (ctx.sql(stretchEnd.sql).get(...stretchEnd.params) as ListPosition | undefined);
  const statement = end === undefined || rowsWithin === undefined ? statements.rows : rowsWithin(end);
  const rows = ctx.sql(statement.sql).all(...statement.params) as JobRow[];
  const jobs = rows.slice(0, checked.limit).map((row) => listedJob(jobOf(row), checked.include));
  const last = jobs[jobs.length - 1];
  let nextCursor: string | undefined;
  // One row past the page: more matches follow it.
  if (rows.length > checked.limit && last !== undefined) nextCursor = listCursor(last);
  // A stretch read to its end: the next call reads on after it, whatever this page holds.
  else if (end !== undefined) nextCursor = listCursor(end);
  return { jobs, nextCursor };
}

/** The statements listJobs runs for `query` (exported for the query-plan tests). */
export function listStatements(query: CheckedJobQuery, budget: number): ListStatements {
  const source = sourceFor(query);
  const tags = source.keys.includes('tag');
  // The entry's list position, as the source index holds it.
  const [createdAt, id] = tags ? ['job_tags.created_at', 'job_tags.job_id'] : ['jobs.created_at', 'jobs.id'];
  const from = `${tags ? 'job_tags' : 'jobs'} INDEXED BY ${source.index}`;
  const order = `ORDER BY ${createdAt} DESC, ${id} DESC`;

  // The conditions the index answers (its keys, the cursor), and those left to check on rows.
  const own: string[] = [];
  const ownParams: unknown[] = [];
  const left: string[] = [];
  const leftParams: unknown[] = [];
  for (const filter of ['tenant', 'status', 'name', 'tag'] as const) {
    const value = query[filter];
    if (value === undefined) continue;
    if (source.keys.includes(filter)) {
      own.push(`${tags ? 'job_tags' : 'jobs'}.${filter} = ?`);
      ownParams.push(value);
    } else {
      left.push(`jobs.${filter} = ?`);
      leftParams.push(value);
    }
  }
  if (source.partial !== undefined) own.push(source.partial.where);
  if (query.after !== undefined) {
    own.push(`(${createdAt}, ${id}) < (?, ?)`);
    ownParams.push(query.after.createdAt, query.after.id);
  }

  const columns = JOB_COLUMNS.map((column) =>
    (column === 'payload' && !query.include.payload) || (column === 'result' && !query.include.result)
      ? `NULL AS ${column}`
      : `jobs.${column}`,
  ).join(', ');
  const join = tags ? ' JOIN jobs ON jobs.id = job_tags.job_id' : '';
  const select = (conditions: string[]) => `SELECT ${columns} FROM ${from}${join}${where(conditions)} ${order} LIMIT ?`;
  const rows = { sql: select([...own, ...left]), params: [...ownParams, ...leftParams, query.limit + 1] };
  if (left.length === 0) return { rows };
  return {
    rows,
    stretchEnd: {
      sql: `SELECT ${createdAt} AS createdAt, ${id} AS id FROM ${from}${where(own)} ${order} LIMIT 1 OFFSET ?`,
      params: [...ownParams, budget - 1],
    },
    rowsWithin: (end) => ({
      sql: select([...own, ...left, `(${createdAt}, ${id}) >= (?, ?)`]),
      params: [...ownParams, ...leftParams, end.createdAt, end.id, query.limit + 1],
    }),
  };
}

function where(conditions: readonly string[]): string {
  return conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
}

function sourceFor(query: CheckedJobQuery): ListSource {
  const asked = (['tenant', 'status', 'name', 'tag'] as const).filter((filter) => query[filter] !== undefined);
  const source = SOURCES.find(
    (s) =>
      s.keys.every((key) => asked.includes(key)) &&
      (query.tag === undefined || s.keys.includes('tag')) &&
      (s.partial === undefined || (query.status !== undefined && s.partial.statuses.includes(query.status))),
  );
  // jobs_newest (no keys) serves any query without a tag, and job_tags_newest any with one.
  if (source === undefined) throw new Error('no listing index serves this query');
  return source;
}
