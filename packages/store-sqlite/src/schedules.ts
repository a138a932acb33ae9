import {
  type FireResult,
  type Job,
  jobFromSchedule,
  notFound,
  type Schedule,
  type ScheduleDefinition,
  type ScheduleFire,
  type UpsertScheduleOptions,
  type UpsertScheduleResult,
} from '@cadenza/core';
import {
  checkFires,
  checkScheduleDefinition,
  checkScheduleRoom,
  countFire,
  countTrigger,
  fireApplies,
  scheduleFromDefinition,
  scheduleLimitOf,
  setPaused,
} from '@cadenza/core/store-kit';
import type { Ctx } from './context.js';
import { enqueueBatch } from './enqueue.js';
import { loadJob, statusOf } from './rows.js';
import { countSchedules, loadSchedule, putSchedule } from './schedule-rows.js';

/**
 * Creates or replaces a schedule; its history (runCount, lastFireAt, lastJobId, createdAt) carries
 * over. A new one must fit its tenant's limit: counted inside this write's IMMEDIATE
 * transaction, so that two processes creating at once cannot both pass.
 */
export function upsertSchedule(
  ctx: Ctx,
  definition: ScheduleDefinition,
  now: number,
  options?: UpsertScheduleOptions,
): UpsertScheduleResult {
  checkScheduleDefinition(definition);
  const max = scheduleLimitOf(options);
  const existing = loadSchedule(ctx, definition.tenant, definition.id);
  if (existing === undefined && max !== undefined) {
    checkScheduleRoom(definition.tenant, definition.id, countSchedules(ctx, definition.tenant), max);
  }
  const schedule = scheduleFromDefinition(definition, existing, now);
  putSchedule(ctx, schedule);
  return { schedule: loadSchedule(ctx, schedule.tenant, schedule.id) ?? schedule, created: existing === undefined };
}

function existingSchedule(ctx: Ctx, tenant: string, id: string): Schedule {
  const schedule = loadSchedule(ctx, tenant, id);
  if (schedule === undefined) throw notFound(`schedule ${JSON.stringify(id)} of tenant ${JSON.stringify(tenant)}`);
  return schedule;
}

/** Pauses or resumes (core's setPaused); a paused schedule leaves the due index. */
export function setSchedulePaused(ctx: Ctx, tenant: string, id: string, paused: boolean, now: number): Schedule {
  const schedule = existingSchedule(ctx, tenant, id);
  if (!setPaused(schedule, paused, now)) return schedule;
  putSchedule(ctx, schedule);
  return schedule;
}

/** One job for `scheduledFor = now`, even while paused; a second trigger in the same ms returns the first's job. */
export function triggerSchedule(ctx: Ctx, tenant: string, id: string, now: number): Job {
  const schedule = existingSchedule(ctx, tenant, id);
  const [result] = enqueueBatch(ctx, [jobFromSchedule(schedule, now, now)], now);
  if (result?.created) {
    countTrigger(schedule, now, result.id);
    putSchedule(ctx, schedule);
  }
  const job = loadJob(ctx, result?.id ?? '');
  if (job === undefined) throw notFound(`the job of schedule ${JSON.stringify(id)} fired at ${now}`);
  return job;
}

/**
 * Checks every fire first, then applies them one by one. A fire applies only while its
 * schedule exists, is not paused, and still has `nextFireAt === expectedNextFireAt` (the
 * compare-and-set that keeps a time from firing twice); a job whose (scheduleId,
 * scheduledFor) a kept job holds is not created again (the unique index `jobs_fires`
 * backs this up). `lastFireAt` never moves back.
 */
export function recordFires(ctx: Ctx, fires: readonly ScheduleFire[], now: number): FireResult[] {
  checkFires(fires, (jobId) => statusOf(ctx, jobId) !== undefined);
  return fires.map((fire) => {
    const schedule = loadSchedule(ctx, fire.tenant, fire.scheduleId);
    if (!fireApplies(schedule, fire)) {
      return { applied: false, jobIds: [] };
    }
    const results = enqueueBatch(ctx, fire.jobs, now);
    const jobIds = results.filter((r) => r.created).map((r) => r.id);
    countFire(schedule, fire, jobIds);
    putSchedule(ctx, schedule);
    return { applied: true, jobIds };
  });
}
