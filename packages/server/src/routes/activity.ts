import { ACTIVITY_MINUTES, activityFrame, definedOnly, invalidArgument } from '@cadenza/core';
import type { FastifyInstance } from 'fastify';
import { grantOf } from '../auth/guard.js';
import type { RouteContext } from '../context.js';
import { checkQuery, tenantParam } from '../query.js';
import { activityMinuteJson } from '../serialize.js';

/** `?minutes=`: a whole number from 1 to ACTIVITY_MINUTES (the last hour), default all of it. */
function minutesParam(value: string | undefined): number {
  if (value === undefined) return ACTIVITY_MINUTES;
  const minutes = /^[0-9]{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(minutes >= 1 && minutes <= ACTIVITY_MINUTES)) {
    throw invalidArgument('minutes', value, `an integer from 1 to ${ACTIVITY_MINUTES}`);
  }
  return minutes;
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
    if (tenant !== undefined && !grant.sees(tenant)) {
      // Minutes in which nothing ended, framed as the stores frame them: as if the tenant had no jobs.
      return { minutes: activityFrame({ now, minutes, tenants: new Set() }).minutes.map(activityMinuteJson) };
    }
    const tenants = tenant === undefined ? grant.tenantNames : [tenant];
    const counted = await store.activity({ now, minutes, ...definedOnly({ tenants }) });
    return { minutes: counted.map(activityMinuteJson) };
  });
}
