// Schedule helpers shared by the schedule and recordFires tests.
import { expect } from 'vitest';
import type { NewJob } from '../model/job.js';
import type { Schedule } from '../model/schedule.js';
import type { ScheduleFire, Store } from '../store/store.js';
import { newJob } from './fixtures.js';

/** The job a fire of `schedule` at `at` creates. */
export function fireJob(schedule: Schedule, at: number): NewJob {
  return newJob({ tenant: schedule.tenant, name: schedule.job.name, scheduleId: schedule.id, scheduledFor: at }, at);
}

/** A fire of `schedule` from its current nextFireAt, creating a job per instant of `at`. */
export function fireOf(schedule: Schedule, at: number[], nextFireAt: number | undefined): ScheduleFire {
  return {
    tenant: schedule.tenant,
    scheduleId: schedule.id,
    expectedNextFireAt: schedule.nextFireAt ?? 0,
    jobs: at.map((instant) => fireJob(schedule, instant)),
    nextFireAt,
  };
}

export async function stored(store: Store, schedule: Pick<Schedule, 'tenant' | 'id'>): Promise<Schedule> {
  const found = await store.getSchedule(schedule.tenant, schedule.id);
  expect(found).toBeDefined();
  if (found === undefined) throw new Error(`schedule ${schedule.id} is missing`);
  return found;
}

/** A schedule's job template: a plain one, with `fields` on top. */
export function scheduleJob(fields: Partial<Schedule['job']> = {}): Schedule['job'] {
  return {
    name: 'report.digest',
    payload: null,
    priority: 5,
    tags: [],
    maxAttempts: 1,
    backoff: undefined,
    timeoutMs: undefined,
    ...fields,
  };
}
