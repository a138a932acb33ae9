import { invalidArgument } from '../../errors.js';
import type { ActivityMinute, ActivityQuery } from '../store.js';
import { ACTIVITY_MINUTES } from '../store.js';
import { checkInstant } from './arguments.js';

/**
 * For store implementations: the minutes of `Store.activity`. A change counts in the
 * minute of the `now` of the call that made it, floored to the minute (epoch ms).
 */
export const MINUTE_MS = 60_000;

/** The first instant of the minute holding `now`. */
export function minuteOf(now: number): number {
  return Math.floor(now / MINUTE_MS) * MINUTE_MS;
}

/** What one minute of one tenant counts: jobs that ended succeeded or failed, and attempts retried. */
export type ActivityField = 'succeeded' | 'failed' | 'retried';

export interface CheckedActivityQuery {
  now: number;
  minutes: number;
  /** Undefined: every tenant. */
  tenants: ReadonlySet<string> | undefined;
}

/** Checks an activity query; a bad one is refused with `invalid_argument` naming the field. */
export function checkActivityQuery(query: ActivityQuery): CheckedActivityQuery {
  if (typeof query !== 'object' || query === null) throw invalidArgument('query', query, 'an activity query');
  const now = checkInstant('now', query.now);
  const { minutes, tenants } = query;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > ACTIVITY_MINUTES) {
    throw invalidArgument('minutes', minutes, `a whole number from 1 to ${ACTIVITY_MINUTES}`);
  }
  if (tenants !== undefined && (!Array.isArray(tenants) || tenants.some((t) => typeof t !== 'string'))) {
    throw invalidArgument('tenants', tenants, 'an array of tenant names');
  }
  return { now, minutes, tenants: tenants === undefined ? undefined : new Set(tenants) };
}

/**
 * The answer's frame: `minutes` zeroed minutes, oldest first, ending with the one holding
 * `now`; `add` sums a tenant's counts of minute `at` into it (minutes outside are ignored).
 */
export function activityFrame(query: CheckedActivityQuery): {
  minutes: ActivityMinute[];
  add(at: number, succeeded: number, failed: number, retried: number): void;
} {
  const last = minuteOf(query.now);
  const first = last - (query.minutes - 1) * MINUTE_MS;
  const minutes: ActivityMinute[] = [];
  for (let at = first; at <= last; at += MINUTE_MS) minutes.push({ at, succeeded: 0, failed: 0, retried: 0 });
  return {
    minutes,
    add(at, succeeded, failed, retried) {
      if (at < first || at > last) return;
      const minute = minutes[(at - first) / MINUTE_MS];
      if (minute === undefined) return;
      minute.succeeded += succeeded;
      minute.failed += failed;
      minute.retried += retried;
    },
  };
}
