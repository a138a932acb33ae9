import type { UpsertScheduleOptions } from '../store/store.js';
import {
  DEFAULT_MAX_SCHEDULES_PER_TENANT,
  DEFAULT_MIN_INTERVAL_MS,
  type InputLimits,
  MAX_DURATION_MS,
} from './limits.js';
import { fieldError } from './zod-errors.js';

/**
 * The schedule limits a deployment may tune (InputLimits): the shortest `every` and the
 * most schedules per tenant. A bad limit is the deployment's mistake and is named as such.
 */

/** The shortest `every` in force, in ms. */
export function minIntervalMs(limits: InputLimits | undefined): number {
  const min = limits?.minIntervalMs;
  if (min === undefined) return DEFAULT_MIN_INTERVAL_MS;
  if (typeof min !== 'number' || !Number.isSafeInteger(min) || min < 1 || min > MAX_DURATION_MS) {
    throw fieldError(
      ['limits', 'minIntervalMs'],
      min,
      `an integer number of milliseconds from 1 to ${MAX_DURATION_MS}`,
    );
  }
  return min;
}

/** The most schedules one tenant may hold. */
export function maxSchedulesPerTenant(limits: InputLimits | undefined): number {
  const max = limits?.maxSchedulesPerTenant;
  if (max === undefined) return DEFAULT_MAX_SCHEDULES_PER_TENANT;
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 1) {
    throw fieldError(['limits', 'maxSchedulesPerTenant'], max, 'a whole number of schedules, at least 1');
  }
  return max;
}

/** What `Store.upsertSchedule` is told, so that the store enforces the tenant's limit. */
export function upsertOptionsOf(limits: InputLimits | undefined): UpsertScheduleOptions {
  return { maxSchedulesPerTenant: maxSchedulesPerTenant(limits) };
}

/** Checks every schedule limit at once: for a server or an engine, at start rather than per call. */
export function checkScheduleLimits(limits: InputLimits | undefined): void {
  minIntervalMs(limits);
  maxSchedulesPerTenant(limits);
}

/**
 * Refuses an `every` below the minimum, before the body's other checks, so that the answer
 * names the minimum in force (the schema's own wording cannot know it). Anything that is
 * not a number is left to the schema.
 */
export function checkEvery(input: unknown, min: number): void {
  if (typeof input !== 'object' || input === null) return;
  const every = (input as { every?: unknown }).every;
  if (typeof every === 'number' && every < min) {
    throw fieldError(
      ['every'],
      every,
      `an integer number of milliseconds from ${min} (the minimum interval) to ${MAX_DURATION_MS} (100 years)`,
    );
  }
}
