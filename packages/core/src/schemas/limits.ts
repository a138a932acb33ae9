/**
 * The limits on input (docs/limits.md), with every bound we chose, in one place so that the
 * schemas, the docs and the error messages agree. Every regex is anchored.
 */

/** Tenant: lower case, so that it can appear in Redis keys, metrics labels and job ids as is. */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Job and schedule names and ids, tags, and the ids in `dependsOn`. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/**
 * Idempotency keys are usually derived from business data (an order number, an e-mail
 * address, a path), so besides a name's characters they allow `/ @ + =` and run to 255.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/@+=-]{0,254}$/;

export const MAX_TAGS = 32;
export const MAX_DEPENDS_ON = 100;
/** Named resources one job may declare (`resources: { gpu: 1, db: 2 }`), and units of each. */
export const MAX_RESOURCES = 16;
export const MAX_RESOURCE_UNITS = 1_000_000;
export const MAX_BATCH_JOBS = 10_000;
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
export const MAX_ATTEMPTS = 1000;
export const MAX_CATCH_UP_LIMIT = 10_000;
/**
 * Shortest `every` unless the deployment sets another: one fire a second per schedule at
 * most, so that a schedule cannot flood the store with jobs.
 */
export const DEFAULT_MIN_INTERVAL_MS = 1000;
/**
 * Most schedules one tenant may hold unless the deployment sets another. Far above what a
 * tenant defines by hand (tens, a few hundred), low enough that a script creating schedules
 * in a loop stops early: at the 1 s minimum interval, 1,000 schedules fire at most 1,000 jobs
 * a second, two of the coordinator's batches of 500 due schedules.
 */
export const DEFAULT_MAX_SCHEDULES_PER_TENANT = 1000;
/** cron expressions and zone names are short; this only stops absurd inputs early. */
export const MAX_CRON_LENGTH = 256;
export const MAX_TZ_LENGTH = 64;

/**
 * Upper bound for every duration and delay (100 years): far beyond any real use, and small
 * enough that `now + duration` stays a valid Date and a safe integer.
 */
export const MAX_DURATION_MS = 100 * 365.25 * 24 * 3600 * 1000;
/**
 * `timeoutMs` becomes a Node timer, and Node fires any timer above 2^31-1 ms (about 24.8
 * days) after 1 ms instead: a larger timeout would fail every attempt at once.
 */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** Latest instant a Date can hold (ECMA-262 §21.4.1.1). */
export const MAX_DATE_MS = 8.64e15;

/** Limits a deployment may tune. */
export interface InputLimits {
  /** Largest payload, in bytes of its JSON text (UTF-8). Default 1 MiB. */
  maxPayloadBytes?: number;
  /** Shortest `every` a schedule may have, in ms. Default 1,000. */
  minIntervalMs?: number;
  /**
   * Most schedules one tenant may hold: creating one more is refused with
   * `resource_exhausted`; replacing one is always allowed. Default 1,000.
   */
  maxSchedulesPerTenant?: number;
}

/** What each rule expects, worded for error messages (`…, expected <this>`). */
export const EXPECTED = {
  tenant: 'a tenant: 1 to 64 characters of a-z, 0-9, "_" and "-", starting with a letter or digit',
  name: 'a name: 1 to 128 characters of A-Z, a-z, 0-9, ".", "_", ":" and "-", starting with a letter or digit',
  idempotencyKey:
    'a key: 1 to 255 characters of A-Z, a-z, 0-9, ".", "_", ":", "/", "@", "+", "=" and "-", starting with a letter or digit',
  priority: 'an integer from 0 to 9',
  tags: `an array of at most ${MAX_TAGS} distinct tags`,
  dependsOn: `an array of at most ${MAX_DEPENDS_ON} distinct job ids`,
  resources: `an object of at most ${MAX_RESOURCES} resource names (written like a job name), each to a whole number of units from 1 to ${MAX_RESOURCE_UNITS}`,
  resourceUnits: `a whole number of units from 1 to ${MAX_RESOURCE_UNITS}`,
  delayMs: `an integer number of milliseconds from 0 to ${MAX_DURATION_MS} (100 years)`,
  instant: 'an ISO-8601 date-time with a UTC offset or Z (e.g. "2026-01-01T09:00:00Z"), or a valid Date',
  maxAttempts: `an integer from 1 to ${MAX_ATTEMPTS}`,
  timeoutMs: `an integer number of milliseconds from 1 to ${MAX_TIMEOUT_MS} (about 24.8 days)`,
  backoffType: 'one of "fixed", "linear", "exponential"',
  backoffDelayMs: `an integer number of milliseconds from 0 to ${MAX_DURATION_MS} (100 years)`,
  jitter: 'one of "none", "full", "equal"',
  misfire: 'one of "skip", "once", "all"',
  maxCatchUp: `an integer from 1 to ${MAX_CATCH_UP_LIMIT}`,
  misfireGraceMs: `an integer number of milliseconds from 0 to ${MAX_DURATION_MS} (100 years)`,
  paused: 'true or false',
  cron: `a cron expression (a string of at most ${MAX_CRON_LENGTH} characters)`,
  tz: `an IANA time zone name (a string of at most ${MAX_TZ_LENGTH} characters)`,
  every: `an integer number of milliseconds, at least the minimum interval (${DEFAULT_MIN_INTERVAL_MS} unless the deployment sets another) and at most ${MAX_DURATION_MS} (100 years)`,
  manual: 'true',
} as const;
