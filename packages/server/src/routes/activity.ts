import { ACTIVITY_MINUTES, type ActivityMinute, invalidArgument } from '@cadenza/core';
import type { FastifyInstance } from 'fastify';
import { grantOf } from '../auth/guard.js';
import type { RouteContext } from '../context.js';
import { checkQuery, tenantParam } from '../query.js';
import { activityMinuteJson } from '../serialize.js';

const MINUTE_MS = 60_000;

/** `?minutes=`: a whole number from 1 to ACTIVITY_MINUTES (the last hour), default all of it. */
function minutesParam(value: string | undefined): number {
  if (value === undefined) return ACTIVITY_MINUTES;
  const minutes = /^[0-9]{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(minutes >= 1 && minutes <= ACTIVITY_MINUTES)) {
    throw invalidArgument('minutes', value, `an integer from 1 to ${ACTIVITY_MINUTES}`);
  }
  return minutes;
}

/** Minutes in which nothing ended: what a tenant outside the token's is answered, as if it had no jobs. */
function emptyMinutes(now: number, minutes: number): ActivityMinute[] {
  const current = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  return Array.from({ length: minutes }, (_, i) => ({
    at: current - (minutes - 1 - i) * MINUTE_MS,
    succeeded: 0,
    failed: 0,
    retried: 0,
  }));
}

/**
 * `GET /v1/activity?minutes=&tenant=`: how many jobs succeeded, failed and were retried in
 * each of the last `minutes` minutes, oldest first, ending with the current one (the
 * dashboard's throughput charts). Summed over the token's tenants, or the one asked for; a
 * tenant outside the token's is answered with zeros, as lists answer it with nothing. A store
 * that keeps no activity (`Store.activity` is optional) answers no minutes and says so.
 */
export function registerActivityRoutes(app: FastifyInstance, { store, clock }: RouteContext): void {
  app.get('/v1/activity', async (request) => {
    const grant = grantOf(request);
    grant.require('read');
    const query = checkQuery(request.query, ['minutes', 'tenant']);
    const minutes = minutesParam(query.minutes);
    const tenant = tenantParam(query.tenant);
    if (store.activity === undefined) return { minutes: [], unsupported: true };
    const now = clock.now();
    if (tenant !== undefined && !grant.sees(tenant))
      return { minutes: emptyMinutes(now, minutes).map(activityMinuteJson) };
    const tenants = tenant === undefined ? grant.tenantNames : [tenant];
    const counted = await store.activity({ now, minutes, ...(tenants === undefined ? {} : { tenants }) });
    return { minutes: counted.map(activityMinuteJson) };
  });
}
