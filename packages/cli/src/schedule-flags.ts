import { DEFAULT_MAX_SCHEDULES_PER_TENANT, DEFAULT_MIN_INTERVAL_MS, MAX_DURATION_MS } from '@cadenza/core';
import type { Command } from 'commander';
import { option } from './env.js';
import { integer } from './errors.js';

// The schedule limits of a deployment. `--min-interval-ms` goes to every process that
// validates or fires schedules (`dev`, `server`, `coordinator`): the API refuses a shorter
// `every`, and the coordinator fires one stored earlier at most once per interval.
// `--max-schedules-per-tenant` goes to the processes that create schedules (`dev`, `server`).
// Give every process of a cluster the same values.

export interface ScheduleFlags {
  minIntervalMs: string;
  maxSchedulesPerTenant?: string;
}

export interface ScheduleLimits {
  minIntervalMs: number;
  maxSchedulesPerTenant?: number;
}

/** `--min-interval-ms`, for a process that fires schedules but creates none (`coordinator`). */
export function addMinIntervalOption(command: Command): Command {
  return command.addOption(
    option(
      '--min-interval-ms <ms>',
      'shortest every a schedule may have; the API refuses a shorter one, the coordinator fires one stored earlier at most this often',
    ).default(String(DEFAULT_MIN_INTERVAL_MS)),
  );
}

/** `--min-interval-ms` and `--max-schedules-per-tenant`, for the processes that serve the API. */
export function addScheduleOptions(command: Command): Command {
  return addMinIntervalOption(command).addOption(
    option(
      '--max-schedules-per-tenant <n>',
      'most schedules one tenant may hold; creating one more is refused 429 (replacing one never is)',
    ).default(String(DEFAULT_MAX_SCHEDULES_PER_TENANT)),
  );
}

export function checkScheduleFlags(flags: ScheduleFlags): ScheduleLimits {
  const minIntervalMs = integer('--min-interval-ms', flags.minIntervalMs, 1, MAX_DURATION_MS);
  if (flags.maxSchedulesPerTenant === undefined) return { minIntervalMs };
  return {
    minIntervalMs,
    maxSchedulesPerTenant: integer('--max-schedules-per-tenant', flags.maxSchedulesPerTenant, 1),
  };
}
