import { CadenzaError, invalidArgument } from '../../errors.js';
import type { UpsertScheduleOptions } from '../store.js';

/**
 * For store implementations: the per-tenant limit of `upsertSchedule`. A store checks the
 * options before it writes anything, then, inside the same write, calls `checkScheduleRoom`
 * with the number of schedules the tenant holds when the schedule is new.
 */

/** The limit asked for, checked; undefined when there is none. */
export function scheduleLimitOf(options: UpsertScheduleOptions | undefined): number | undefined {
  const max = options?.maxSchedulesPerTenant;
  if (max === undefined) return undefined;
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 1) {
    throw invalidArgument('maxSchedulesPerTenant', max, 'a whole number of schedules, at least 1');
  }
  return max;
}

/** Refuses a new schedule of `tenant` when it holds `count` schedules and may hold `max`. */
export function checkScheduleRoom(tenant: string, id: string, count: number, max: number | undefined): void {
  if (max !== undefined && count >= max) throw tooManySchedules(tenant, id, count, max);
}

/** The refusal, also for stores that count inside a script and report the count. */
export function tooManySchedules(tenant: string, id: string, count: number, max: number): CadenzaError {
  return new CadenzaError(
    'resource_exhausted',
    `schedule ${JSON.stringify(id)} was not created: tenant ${JSON.stringify(tenant)} holds ${count} schedules, ` +
      `the most one tenant may hold (maxSchedulesPerTenant ${max}); replace or delete one of them first`,
  );
}
