import type { MisfirePolicy, Schedule, SchedulePage, ScheduleQuery } from '@cadenza/core';
import { checkCount, checkText, decodeCursor, encodeCursor } from '@cadenza/core/store-kit';
import type { Ctx } from './context.js';
import { toJson } from './rows.js';

interface ScheduleRow {
  tenant: string;
  id: string;
  trigger: string;
  job: string;
  misfire: MisfirePolicy;
  max_catch_up: number;
  misfire_grace_ms: number;
  paused: number;
  run_count: number;
  last_fire_at: number | null;
  last_job_id: string | null;
  next_fire_at: number | null;
  created_at: number;
  updated_at: number;
}

function scheduleOf(row: ScheduleRow): Schedule {
  return {
    id: row.id,
    tenant: row.tenant,
    trigger: JSON.parse(row.trigger) as Schedule['trigger'],
    job: JSON.parse(row.job) as Schedule['job'],
    misfire: row.misfire,
    maxCatchUp: row.max_catch_up,
    misfireGraceMs: row.misfire_grace_ms,
    paused: row.paused !== 0,
    runCount: row.run_count,
    lastFireAt: row.last_fire_at ?? undefined,
    ...(row.last_job_id === null ? {} : { lastJobId: row.last_job_id }),
    nextFireAt: row.next_fire_at ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function loadSchedule(ctx: Ctx, tenant: string, id: string): Schedule | undefined {
  const row = ctx.sql('SELECT * FROM schedules WHERE tenant = ? AND id = ?').get(tenant, id) as ScheduleRow | undefined;
  return row === undefined ? undefined : scheduleOf(row);
}

/** How many schedules `tenant` holds (a range of the primary key, so it reads only its rows). */
export function countSchedules(ctx: Ctx, tenant: string): number {
  const row = ctx.sql('SELECT count(*) AS n FROM schedules WHERE tenant = ?').get(tenant) as { n: number };
  return row.n;
}

/** Inserts or replaces; a new `due_seq` files it behind schedules set earlier with the same next fire. */
export function putSchedule(ctx: Ctx, schedule: Schedule): void {
  ctx
    .sql(
      `INSERT OR REPLACE INTO schedules (tenant, id, trigger, job, misfire, max_catch_up, misfire_grace_ms, paused,
         run_count, last_fire_at, last_job_id, next_fire_at, created_at, updated_at, due_seq)
       VALUES (@tenant, @id, @trigger, @job, @misfire, @max_catch_up, @misfire_grace_ms, @paused,
         @run_count, @last_fire_at, @last_job_id, @next_fire_at, @created_at, @updated_at, @due_seq)`,
    )
    .run({
      tenant: schedule.tenant,
      id: schedule.id,
      trigger: JSON.stringify(schedule.trigger),
      job: toJson(schedule.job) ?? '{}',
      misfire: schedule.misfire,
      max_catch_up: schedule.maxCatchUp,
      misfire_grace_ms: schedule.misfireGraceMs,
      paused: schedule.paused ? 1 : 0,
      run_count: schedule.runCount,
      last_fire_at: schedule.lastFireAt ?? null,
      last_job_id: schedule.lastJobId ?? null,
      next_fire_at: schedule.nextFireAt ?? null,
      created_at: schedule.createdAt,
      updated_at: schedule.updatedAt,
      due_seq: ctx.nextSeq(),
    });
}

export function deleteSchedule(ctx: Ctx, tenant: string, id: string): boolean {
  return ctx.sql('DELETE FROM schedules WHERE tenant = ? AND id = ?').run(tenant, id).changes > 0;
}

/** Unpaused schedules with `nextFireAt <= now`, earliest first (ties in the order they were set). */
export function dueSchedules(ctx: Ctx, now: number, limit: number): Schedule[] {
  const rows = ctx
    .sql(
      `SELECT * FROM schedules WHERE paused = 0 AND next_fire_at IS NOT NULL AND next_fire_at <= ?
       ORDER BY next_fire_at, due_seq LIMIT ?`,
    )
    .all(now, limit) as ScheduleRow[];
  return rows.map(scheduleOf);
}

/** By tenant, then id; across all tenants when none is given. */
export function listSchedules(ctx: Ctx, query: ScheduleQuery): SchedulePage {
  const limit = checkCount('limit', query.limit, 1);
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.cursor !== undefined) {
    const [tenant, id] = decodeCursor(query.cursor, 'ss');
    where.push('(tenant, id) > (?, ?)');
    params.push(tenant, id);
  }
  if (query.tenant !== undefined) {
    where.push('tenant = ?');
    params.push(checkText('tenant', query.tenant));
  }
  const filter = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  const rows = ctx
    .sql(`SELECT * FROM schedules ${filter} ORDER BY tenant, id LIMIT ?`)
    .all(...params, limit + 1) as ScheduleRow[];
  const schedules = rows.slice(0, limit).map(scheduleOf);
  const last = schedules[schedules.length - 1];
  return {
    schedules,
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor([last.tenant, last.id]) : undefined,
  };
}
