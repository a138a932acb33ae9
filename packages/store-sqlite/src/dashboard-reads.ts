import {
  ACTIVITY_MINUTES,
  type ActivityMinute,
  activityFrame,
  PAST_ATTEMPTS_KEPT,
  type PastAttempt,
} from '@cadenza/core';
import { type ActivityField, type CheckedActivityQuery, MINUTE_MS, minuteOf } from '@cadenza/core/store-kit';
import type { Ctx } from './context.js';

/*
 * What the dashboard reads (schema version 7): activity per tenant and minute, and the
 * past attempts of each job. Written by job-states.ts where a job ends or an attempt is
 * retried; never on a claim or a heartbeat.
 */

const COUNT: Record<ActivityField, string> = {
  succeeded: `INSERT INTO activity (tenant, at, succeeded) VALUES (?, ?, 1)
    ON CONFLICT (tenant, at) DO UPDATE SET succeeded = succeeded + 1 RETURNING succeeded + failed + retried AS total`,
  failed: `INSERT INTO activity (tenant, at, failed) VALUES (?, ?, 1)
    ON CONFLICT (tenant, at) DO UPDATE SET failed = failed + 1 RETURNING succeeded + failed + retried AS total`,
  retried: `INSERT INTO activity (tenant, at, retried) VALUES (?, ?, 1)
    ON CONFLICT (tenant, at) DO UPDATE SET retried = retried + 1 RETURNING succeeded + failed + retried AS total`,
};

/**
 * Counts one job ended (or attempt retried) by `tenant` in the minute of `now`. The first
 * count of a minute drops the tenant's minutes an hour older, so that the table stays at
 * about an hour per tenant with no sweep.
 */
export function countActivity(ctx: Ctx, tenant: string, now: number, field: ActivityField): void {
  const at = minuteOf(now);
  const { total } = ctx.sql(COUNT[field]).get(tenant, at) as { total: number };
  if (total === 1) {
    ctx.sql('DELETE FROM activity WHERE tenant = ? AND at <= ?').run(tenant, at - ACTIVITY_MINUTES * MINUTE_MS);
  }
}

export function readActivity(ctx: Ctx, query: CheckedActivityQuery): ActivityMinute[] {
  const frame = activityFrame(query);
  const last = minuteOf(query.now);
  const rows = ctx
    .sql('SELECT tenant, at, succeeded, failed, retried FROM activity WHERE at BETWEEN ? AND ?')
    .all(last - (query.minutes - 1) * MINUTE_MS, last) as {
    tenant: string;
    at: number;
    succeeded: number;
    failed: number;
    retried: number;
  }[];
  for (const row of rows) {
    if (query.tenants !== undefined && !query.tenants.has(row.tenant)) continue;
    frame.add(row.at, row.succeeded, row.failed, row.retried);
  }
  return frame.minutes;
}

/** Adds an attempt to job `jobId`'s past ones, keeping the newest PAST_ATTEMPTS_KEPT. */
export function keepPastAttempt(ctx: Ctx, jobId: string, attempt: PastAttempt): void {
  ctx
    .sql(
      `INSERT INTO past_attempts (job_id, attempt, started_at, ended_at, worker_id, error)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(
      jobId,
      attempt.attempt,
      attempt.startedAt ?? null,
      attempt.endedAt,
      attempt.workerId ?? null,
      JSON.stringify(attempt.error),
    );
  ctx
    .sql(
      `DELETE FROM past_attempts WHERE job_id = ? AND seq <
         (SELECT seq FROM past_attempts WHERE job_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
    )
    .run(jobId, jobId, PAST_ATTEMPTS_KEPT - 1);
}

export function readPastAttempts(ctx: Ctx, jobId: string): PastAttempt[] {
  const rows = ctx
    .sql(
      `SELECT attempt, started_at, ended_at, worker_id, error FROM past_attempts
       WHERE job_id = ? ORDER BY seq`,
    )
    .all(jobId) as {
    attempt: number;
    started_at: number | null;
    ended_at: number;
    worker_id: string | null;
    error: string;
  }[];
  return rows.map((row) => ({
    attempt: row.attempt,
    startedAt: row.started_at ?? undefined,
    endedAt: row.ended_at,
    workerId: row.worker_id ?? undefined,
    error: JSON.parse(row.error) as PastAttempt['error'],
  }));
}
