// A schedule's trigger in a few words for a table cell, and the zone its wall times are in.
// Pure.
import type { Schedule } from './api.js';
import { describeEvery } from './time.js';

export function triggerText(schedule: Pick<Schedule, 'cron' | 'tz' | 'every' | 'at' | 'manual'>): string {
  if (schedule.cron !== undefined) return schedule.cron;
  if (schedule.every !== undefined) return describeEvery(schedule.every);
  if (schedule.at !== undefined) return `once, at ${schedule.at}`;
  return 'manual';
}

/** The zone a schedule's times are meant in: its `tz` for cron, UTC for instants. */
export function scheduleZone(schedule: Pick<Schedule, 'cron' | 'tz'>): string {
  return schedule.cron !== undefined ? (schedule.tz ?? 'UTC') : 'UTC';
}

/** The trigger fields of a schedule, as POST /v1/schedules/preview takes them. */
export function triggerOf(schedule: Schedule): Record<string, unknown> | undefined {
  if (schedule.cron !== undefined)
    return { cron: schedule.cron, ...(schedule.tz === undefined ? {} : { tz: schedule.tz }) };
  if (schedule.every !== undefined) {
    return { every: schedule.every, ...(schedule.startAt === undefined ? {} : { startAt: schedule.startAt }) };
  }
  if (schedule.at !== undefined) return { at: schedule.at };
  return undefined;
}

/**
 * The body of PUT /v1/schedules/:id that keeps what a schedule has and takes the form's
 * fields: PUT replaces a schedule whole, so editing its cron must not reset its retries.
 */
export function scheduleBody(
  existing: Schedule | undefined,
  form: { name: string; cron: string; tz: string; payload: unknown },
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  if (existing !== undefined) {
    for (const key of [
      'priority',
      'tags',
      'maxAttempts',
      'backoff',
      'timeoutMs',
      'resources',
      'misfire',
      'maxCatchUp',
      'misfireGraceMs',
      'paused',
    ] as const) {
      if (existing[key] !== undefined) kept[key] = existing[key];
    }
  }
  return {
    ...kept,
    name: form.name,
    cron: form.cron,
    ...(form.tz === '' ? {} : { tz: form.tz }),
    ...(form.payload === undefined ? {} : { payload: form.payload }),
  };
}
