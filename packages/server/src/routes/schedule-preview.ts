import { describeTrigger, nextFireTimes, prepareSchedulePreview } from '@cadenza/core';
import type { FastifyInstance } from 'fastify';
import { grantOf } from '../auth/guard.js';
import type { RouteContext } from '../context.js';
import { checkQuery } from '../query.js';

/**
 * `POST /v1/schedules/preview`: what a trigger would do, before it is saved — its words
 * (core's describeTrigger) and its next fires strictly after `after` (core's nextFireTimes,
 * the code the coordinator plans with). The body's trigger fields are checked by the rules
 * of `PUT /v1/schedules/:id` (core's prepareSchedulePreview), so a bad one gets the very
 * message a save would get. It writes nothing, so the `read` scope is enough.
 */
export function registerSchedulePreviewRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.post('/v1/schedules/preview', async (request) => {
    grantOf(request).require('read');
    checkQuery(request.query, []);
    const { trigger, after, count } = prepareSchedulePreview(request.body, ctx.clock.now(), ctx.limits);
    return {
      description: describeTrigger(trigger),
      tz: trigger.kind === 'cron' ? trigger.tz : null,
      fires: nextFireTimes(trigger, after, count).map((fire) => fire.toISOString()),
    };
  });
}
