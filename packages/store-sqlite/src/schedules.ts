import {
  type FireResult,
  invalidArgument,
  type Job,
  jobFromSchedule,
  type NewJob,
  nextFireAfter,
  nextFireOnUpsert,
  type Schedule,
  type ScheduleDefinition,
  type ScheduleFire,
  type UpsertScheduleResult,
} from '@cadenza/core';
import { checkInstant, checkNewJob, checkText, notFound } from './arguments.js';
import type { Ctx } from './context.js';
import { enqueueBatch } from './enqueue.js';
import { loadJob, statusOf } from './rows.js';
import { checkDefinition, loadSchedule, putSchedule } from './schedule-rows.js';

/** Creates or replaces a schedule; its history (runCount, lastFireAt, createdAt) carries over. */
export function upsertSchedule(ctx: Ctx, definition: ScheduleDefinition, now: number): UpsertScheduleResult {
  checkDefinition(definition);
  const existing = loadSchedule(ctx, definition.tenant, definition.id);
  const nextFireAt = nextFireOnUpsert(definition, existing, now);
  // Only the definition's own fields are taken: a Schedule passed back in keeps the store's history.
  const { id, tenant, trigger, job, misfire, maxCatchUp, misfireGraceMs, paused } = definition;
  const schedule: Schedule = {
    id,
    tenant,
    trigger,
    job,
    misfire,
    maxCatchUp,
    misfireGraceMs,
    paused,
    runCount: existing?.runCount ?? 0,
    lastFireAt: existing?.lastFireAt,
    nextFireAt,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  putSchedule(ctx, schedule);
  return { schedule: loadSchedule(ctx, tenant, id) ?? schedule, created: existing === undefined };
}

function existingSchedule(ctx: Ctx, tenant: string, id: string): Schedule {
  const schedule = loadSchedule(ctx, tenant, id);
  if (schedule === undefined) throw notFound(`schedule ${JSON.stringify(id)} of tenant ${JSON.stringify(tenant)}`);
  return schedule;
}

/**
 * Pausing keeps `nextFireAt` but takes the schedule out of the due index; resuming fires
 * next strictly after `now` and the last fire. Asking for the state it is in changes nothing.
 */
export function setSchedulePaused(ctx: Ctx, tenant: string, id: string, paused: boolean, now: number): Schedule {
  const schedule = existingSchedule(ctx, tenant, id);
  if (schedule.paused === paused) return schedule;
  schedule.nextFireAt = paused
    ? schedule.nextFireAt
    : nextFireAfter(schedule.trigger, Math.max(now, schedule.lastFireAt ?? now));
  schedule.paused = paused;
  schedule.updatedAt = now;
  putSchedule(ctx, schedule);
  return schedule;
}

/** One job for `scheduledFor = now`, even while paused; a second trigger in the same ms returns the first's job. */
export function triggerSchedule(ctx: Ctx, tenant: string, id: string, now: number): Job {
  const schedule = existingSchedule(ctx, tenant, id);
  const [result] = enqueueBatch(ctx, [jobFromSchedule(schedule, now, now)], now);
  if (result?.created) {
    schedule.runCount += 1;
    schedule.lastFireAt = Math.max(schedule.lastFireAt ?? now, now);
    putSchedule(ctx, schedule);
  }
  const job = loadJob(ctx, result?.id ?? '');
  if (job === undefined) throw notFound(`the job of schedule ${JSON.stringify(id)} fired at ${now}`);
  return job;
}

function checkFires(ctx: Ctx, fires: readonly ScheduleFire[]): void {
  if (!Array.isArray(fires)) throw invalidArgument('fires', fires, 'an array of fires');
  const ids = new Set<string>();
  fires.forEach((fire, i) => {
    checkText(`fires.${i}.tenant`, fire.tenant);
    checkText(`fires.${i}.scheduleId`, fire.scheduleId);
    checkInstant(`fires.${i}.expectedNextFireAt`, fire.expectedNextFireAt);
    if (fire.nextFireAt !== undefined) checkInstant(`fires.${i}.nextFireAt`, fire.nextFireAt);
    if (!Array.isArray(fire.jobs)) throw invalidArgument(`fires.${i}.jobs`, fire.jobs, 'an array of jobs');
    fire.jobs.forEach((job: NewJob, j: number) => {
      const prefix = `fires.${i}.jobs.${j}.`;
      checkNewJob(job, prefix);
      if (job.tenant !== fire.tenant || job.scheduleId !== fire.scheduleId || job.scheduledFor === undefined) {
        throw invalidArgument(
          `${prefix}scheduleId`,
          job.scheduleId,
          `a job of this fire: tenant ${fire.tenant}, scheduleId ${fire.scheduleId}, with scheduledFor`,
        );
      }
      if (job.dependsOn.length > 0) throw invalidArgument(`${prefix}dependsOn`, job.dependsOn, 'no parents');
      if (ids.has(job.id) || statusOf(ctx, job.id) !== undefined) {
        throw invalidArgument(`${prefix}id`, job.id, 'a new job id, used once');
      }
      ids.add(job.id);
    });
  });
}

/**
 * Checks every fire first, then applies them one by one. A fire applies only while its
 * schedule exists, is not paused, and still has `nextFireAt === expectedNextFireAt` (the
 * compare-and-set that keeps a time from firing twice); a job whose (scheduleId,
 * scheduledFor) a kept job holds is not created again (the unique index `jobs_fires`
 * backs this up). `lastFireAt` never moves back.
 */
export function recordFires(ctx: Ctx, fires: readonly ScheduleFire[], now: number): FireResult[] {
  checkFires(ctx, fires);
  return fires.map((fire) => {
    const schedule = loadSchedule(ctx, fire.tenant, fire.scheduleId);
    if (schedule === undefined || schedule.paused || schedule.nextFireAt !== fire.expectedNextFireAt) {
      return { applied: false, jobIds: [] };
    }
    const results = enqueueBatch(ctx, fire.jobs, now);
    const jobIds = results.filter((r) => r.created).map((r) => r.id);
    schedule.runCount += jobIds.length;
    for (const job of fire.jobs) {
      if (job.scheduledFor !== undefined) {
        schedule.lastFireAt = Math.max(schedule.lastFireAt ?? job.scheduledFor, job.scheduledFor);
      }
    }
    schedule.nextFireAt = fire.nextFireAt;
    putSchedule(ctx, schedule);
    return { applied: true, jobIds };
  });
}
