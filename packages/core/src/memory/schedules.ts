import { invalidArgument } from '../errors.js';
import type { Job, NewJob } from '../model/job.js';
import type { Schedule, ScheduleDefinition } from '../model/schedule.js';
import { jobFromSchedule } from '../schemas/index.js';
import type { FireResult, ScheduleFire, UpsertScheduleResult } from '../store/store.js';
import { nextFireAfter, nextFireOnUpsert } from '../time/index.js';
import { checkInstant, checkText, notFound } from './arguments.js';
import { applyInserts, checkNewJob, planInserts } from './enqueue.js';
import type { MemoryState } from './state.js';

const TRIGGER_KINDS = ['cron', 'every', 'at', 'manual'];

/** Shape checks for a definition (core's schemas validated its content). */
function checkDefinition(definition: ScheduleDefinition): void {
  if (typeof definition !== 'object' || definition === null) {
    throw invalidArgument('schedule', definition, 'a schedule definition');
  }
  checkText('id', definition.id);
  checkText('tenant', definition.tenant);
  const kind = (definition.trigger as { kind?: unknown } | undefined)?.kind;
  if (typeof kind !== 'string' || !TRIGGER_KINDS.includes(kind)) {
    throw invalidArgument('trigger', definition.trigger, 'a normalized trigger (see normalizeTrigger)');
  }
  if (typeof definition.job !== 'object' || definition.job === null) {
    throw invalidArgument('job', definition.job, 'a job template');
  }
}

/** Creates or replaces a schedule; its history (runCount, lastFireAt, createdAt) carries over. */
export function upsertSchedule(state: MemoryState, definition: ScheduleDefinition, now: number): UpsertScheduleResult {
  checkDefinition(definition);
  const existing = state.schedules.get(definition.tenant, definition.id);
  const nextFireAt = nextFireOnUpsert(definition, existing, now);
  // Only the definition's own fields are taken: a Schedule passed back in (read, edited,
  // upserted) must not overwrite the history the store keeps.
  const { id, tenant, trigger, job, misfire, maxCatchUp, misfireGraceMs, paused } = structuredClone(definition);
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
  state.schedules.put(schedule);
  return { schedule, created: existing === undefined };
}

function existingSchedule(state: MemoryState, tenant: string, id: string): Schedule {
  const schedule = state.schedules.get(tenant, id);
  if (schedule === undefined) throw notFound(`schedule ${JSON.stringify(id)} of tenant ${JSON.stringify(tenant)}`);
  return schedule;
}

/**
 * Pausing keeps `nextFireAt` (for display) but takes the schedule out of the due index.
 * Resuming fires next strictly after `now` and after the last fire: times passed while
 * paused are not owed. Asking for the state it is in already changes nothing (so that
 * resuming a running schedule does not forgive a pending fire).
 */
export function setSchedulePaused(
  state: MemoryState,
  tenant: string,
  id: string,
  paused: boolean,
  now: number,
): Schedule {
  const schedule = existingSchedule(state, tenant, id);
  if (schedule.paused === paused) return schedule;
  const nextFireAt = paused
    ? schedule.nextFireAt
    : nextFireAfter(schedule.trigger, Math.max(now, schedule.lastFireAt ?? now));
  schedule.paused = paused;
  schedule.nextFireAt = nextFireAt;
  schedule.updatedAt = now;
  state.schedules.put(schedule);
  return schedule;
}

/**
 * One job for `scheduledFor = now`, whatever the trigger and even while paused. As with
 * every fire, (scheduleId, scheduledFor) makes at most one job: a second trigger in the
 * same millisecond returns the job the first made. `nextFireAt` is left alone.
 */
export function triggerSchedule(state: MemoryState, tenant: string, id: string, now: number): Job {
  const schedule = existingSchedule(state, tenant, id);
  const plan = planInserts(state, [jobFromSchedule(schedule, now, now)], now);
  if (plan.results[0]?.created) {
    applyInserts(state, plan);
    schedule.runCount += 1;
    schedule.lastFireAt = Math.max(schedule.lastFireAt ?? now, now);
  }
  // Created now, or the job an earlier trigger in the same millisecond made (still kept).
  const job = state.jobs.get(plan.results[0]?.id ?? '');
  if (job === undefined) throw notFound(`the job of schedule ${JSON.stringify(id)} fired at ${now}`);
  return job;
}

function checkFires(state: MemoryState, fires: readonly ScheduleFire[]): void {
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
      // Fires have no parents; with none, planning a fire's jobs later cannot fail.
      if (job.dependsOn.length > 0) throw invalidArgument(`${prefix}dependsOn`, job.dependsOn, 'no parents');
      if (ids.has(job.id) || state.jobs.get(job.id) !== undefined) {
        throw invalidArgument(`${prefix}id`, job.id, 'a new job id, used once');
      }
      ids.add(job.id);
    });
  });
}

/**
 * Checks every fire first (so a bad one refuses the whole call), then applies them one by
 * one. A fire applies only while its schedule exists, is not paused, and still has
 * `nextFireAt === expectedNextFireAt`: the compare-and-set that keeps two coordinators,
 * or a replayed tick, from firing a time twice. A job whose (scheduleId, scheduledFor) a
 * kept job holds already is not created again. `lastFireAt` never moves back, so that
 * `nextFireOnUpsert` and `planFires` can trust it as "fired up to here".
 */
export function recordFires(state: MemoryState, fires: readonly ScheduleFire[], now: number): FireResult[] {
  checkFires(state, fires);
  return fires.map((fire) => {
    const schedule = state.schedules.get(fire.tenant, fire.scheduleId);
    if (schedule === undefined || schedule.paused || schedule.nextFireAt !== fire.expectedNextFireAt) {
      return { applied: false, jobIds: [] };
    }
    const plan = planInserts(state, fire.jobs, now);
    applyInserts(state, plan);
    const jobIds = plan.results.filter((r) => r.created).map((r) => r.id);
    schedule.runCount += jobIds.length;
    for (const job of fire.jobs) {
      if (job.scheduledFor !== undefined)
        schedule.lastFireAt = Math.max(schedule.lastFireAt ?? job.scheduledFor, job.scheduledFor);
    }
    schedule.nextFireAt = fire.nextFireAt;
    state.schedules.put(schedule);
    return { applied: true, jobIds };
  });
}
