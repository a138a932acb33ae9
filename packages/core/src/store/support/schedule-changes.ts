import type { Schedule, ScheduleDefinition } from '../../model/schedule.js';
import { nextFireAfter, nextFireOnUpsert } from '../../time/index.js';
import type { ScheduleFire } from '../store.js';

/**
 * For store implementations: what the schedule calls do to a schedule row, apart from
 * reading and writing it, so that every store keeps a schedule's history the same way.
 */

/**
 * The row `upsertSchedule` writes: the definition's own fields, the history (runCount,
 * lastFireAt, lastJobId, createdAt) of the `existing` row carried over. Only the definition's fields
 * are taken: a Schedule passed back in (read, edited, upserted) must not overwrite the
 * history the store keeps. A store that must not keep the caller's objects passes a copy.
 */
export function scheduleFromDefinition(
  definition: ScheduleDefinition,
  existing: Schedule | undefined,
  now: number,
): Schedule {
  const nextFireAt = nextFireOnUpsert(definition, existing, now);
  const { id, tenant, trigger, job, misfire, maxCatchUp, misfireGraceMs, paused } = definition;
  return {
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
    ...(existing?.lastJobId === undefined ? {} : { lastJobId: existing.lastJobId }),
    nextFireAt,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
}

/**
 * Pauses or resumes `schedule` in place; answers whether it changed (asking for the state
 * it is in already changes nothing, so that resuming a running schedule does not forgive a
 * pending fire). Pausing keeps `nextFireAt` (for display); resuming fires next strictly
 * after `now` and after the last fire: times passed while paused are not owed.
 */
export function setPaused(schedule: Schedule, paused: boolean, now: number): boolean {
  if (schedule.paused === paused) return false;
  if (!paused) schedule.nextFireAt = nextFireAfter(schedule.trigger, Math.max(now, schedule.lastFireAt ?? now));
  schedule.paused = paused;
  schedule.updatedAt = now;
  return true;
}

/**
 * Counts a manual trigger that created job `jobId`, now the schedule's `lastJobId`;
 * `lastFireAt` never moves back.
 */
export function countTrigger(schedule: Schedule, now: number, jobId: string): void {
  schedule.runCount += 1;
  schedule.lastJobId = jobId;
  schedule.lastFireAt = Math.max(schedule.lastFireAt ?? now, now);
}

/**
 * Whether a fire applies: only while its schedule exists, is not paused, and still has
 * `nextFireAt === expectedNextFireAt`, the compare-and-set that keeps two coordinators, or
 * a replayed tick, from firing a time twice.
 */
export function fireApplies(schedule: Schedule | undefined, fire: ScheduleFire): schedule is Schedule {
  return schedule !== undefined && !schedule.paused && schedule.nextFireAt === fire.expectedNextFireAt;
}

/**
 * Records an applied fire that created the jobs `created` (in the fire's order): the last
 * of them becomes `lastJobId` (kept when none was created). `lastFireAt` never moves back,
 * so that `nextFireOnUpsert` and `planFires` can trust it as "fired up to here".
 */
export function countFire(schedule: Schedule, fire: ScheduleFire, created: readonly string[]): void {
  schedule.runCount += created.length;
  const last = created[created.length - 1];
  if (last !== undefined) schedule.lastJobId = last;
  for (const job of fire.jobs) {
    if (job.scheduledFor !== undefined) {
      schedule.lastFireAt = Math.max(schedule.lastFireAt ?? job.scheduledFor, job.scheduledFor);
    }
  }
  schedule.nextFireAt = fire.nextFireAt;
}
