import {
  checkCount,
  decodeCursor,
  encodeCursor,
  invalidArgument,
  JOB_STATUSES,
  type JobPage,
  type JobQuery,
  type QueueDepth,
} from '@cadenza/core';
import type { Ctx } from './context.js';
import { type JobRow, jobOf } from './rows.js';

/**
 * Newest first (by `createdAt`, then id, both descending). The cursor is the last job's
 * (createdAt, id); the next page starts strictly after it.
 */
export function listJobs(ctx: Ctx, query: JobQuery): JobPage {
  const limit = checkCount('limit', query.limit, 1);
  if (query.status !== undefined && !JOB_STATUSES.includes(query.status)) {
    throw invalidArgument('status', query.status, `one of ${JOB_STATUSES.join(', ')}`);
  }
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.cursor !== undefined) {
    const [createdAt, id] = decodeCursor(query.cursor, 'ns');
    where.push('(created_at < ? OR (created_at = ? AND id < ?))');
    params.push(createdAt, createdAt, id);
  }
  if (query.tenant !== undefined) {
    where.push('tenant = ?');
    params.push(String(query.tenant));
  }
  if (query.status !== undefined) {
    where.push('status = ?');
    params.push(query.status);
  }
  if (query.name !== undefined) {
    where.push('name = ?');
    params.push(String(query.name));
  }
  if (query.tag !== undefined) {
    where.push('EXISTS (SELECT 1 FROM json_each(jobs.tags) WHERE value = ?)');
    params.push(String(query.tag));
  }
  const filter = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  const rows = ctx
    .sql(`SELECT * FROM jobs ${filter} ORDER BY created_at DESC, id DESC LIMIT ?`)
    .all(...params, limit + 1) as JobRow[];
  const jobs = rows.slice(0, limit).map(jobOf);
  const last = jobs[jobs.length - 1];
  return {
    jobs,
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor([last.createdAt, last.id]) : undefined,
  };
}

/** Counts by tenant, priority and status; sorted by tenant, then priority (high first), then status. */
export function depths(ctx: Ctx): QueueDepth[] {
  const rows = ctx
    .sql('SELECT tenant, priority, status, COUNT(*) AS count FROM jobs GROUP BY tenant, priority, status')
    .all() as QueueDepth[];
  return rows.sort(
    (a, b) =>
      (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0) ||
      b.priority - a.priority ||
      JOB_STATUSES.indexOf(a.status) - JOB_STATUSES.indexOf(b.status),
  );
}
