import type { Job } from '../model/job.js';
import type { Schedule, ScheduleDefinition } from '../model/schedule.js';
import { jobFromSchedule } from '../schemas/index.js';
import type { FireResult, ScheduleFire, UpsertScheduleOptions, UpsertScheduleResult } from '../store/store.js';
import { notFound } from '../store/support/arguments.js';
import { checkFires, checkScheduleDefinition } from '../store/support/schedule-calls.js';
import {
  countFire,
  countTrigger,
  fireApplies,
  scheduleFromDefinition,
  setPaused,
} from '../store/support/schedule-changes.js';
import { checkScheduleRoom, scheduleLimitOf } from '../store/support/schedule-count.js';
import { applyInserts, planInserts } from './enqueue.js';
import type { MemoryState } from './state.js';

/**
 * Creates or replaces a schedule; its history (runCount, lastFireAt, createdAt) carries
 * over. A new one must fit its tenant's limit, when one is given.
 */
export function upsertSchedule(
  state: MemoryState,
  definition: ScheduleDefinition,
  now: number,
  options?: UpsertScheduleOptions,
): UpsertScheduleResult {
  checkScheduleDefinition(definition);
  const max = scheduleLimitOf(options);
  const existing = state.schedules.get(definition.tenant, definition.id);
  if (existing === undefined) {
    checkScheduleRoom(definition.tenant, definition.id, state.schedules.countOf(definition.tenant), max);
  }
  // A copy: the store keeps no reference to the caller's objects.
  const schedule = scheduleFromDefinition(structuredClone(definition), existing, now);
  state.schedules.put(schedule);
  return { schedule, created: existing === undefined };
}

function existingSchedule(state: MemoryState, tenant: string, id: string): Schedule {
  const schedule = state.schedules.get(tenant, id);
  if (schedule === undefined) throw notFound(`schedule ${JSON.stringify(id)} of tenant ${JSON.stringify(tenant)}`);
  return schedule;
}

/** Pauses or resumes (core's setPaused); a paused schedule leaves the due index. */
export function setSchedulePaused(
  state: MemoryState,
  tenant: string,
  id: string,
  paused: boolean,
  now: number,
): Schedule {
  const schedule = existingSchedule(state, tenant, id);
  if (!setPaused(schedule, paused, now)) return schedule;
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
  const fire = jobFromSchedule(schedule, now, now, state.random.jobId(schedule.tenant, now));
  const plan = planInserts(state, [fire], now);
  const made = plan.results[0];
  if (made?.created) {
    applyInserts(state, plan);
    countTrigger(schedule, now, made.id);
  }
  // Created now, or the job an earlier trigger in the same millisecond made (still kept).
  const job = state.jobs.get(plan.results[0]?.id ?? '');
  if (job === undefined) throw notFound(`the job of schedule ${JSON.stringify(id)} fired at ${now}`);
  return job;
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
  checkFires(fires, (jobId) => state.jobs.get(jobId) !== undefined);
  return fires.map((fire) => {
    const schedule = state.schedules.get(fire.tenant, fire.scheduleId);
    if (!fireApplies(schedule, fire)) {
      return { applied: false, jobIds: [] };
    }
    const plan = planInserts(state, fire.jobs, now, 'admit');
    applyInserts(state, plan);
    const jobIds = plan.results.filter((r) => r.created).map((r) => r.id);
    countFire(schedule, fire, jobIds);
    state.schedules.put(schedule);
    return { applied: true, jobIds };
  });
}
