import { CadenzaError, definedOnly, invalidArgument, prepareSchedule, upsertOptionsOf } from '@cadenza/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Scope } from '../auth/grant.js';
import { grantOf } from '../auth/guard.js';
import type { RouteContext } from '../context.js';
import { cursorParam, idParam, limitParam, scheduleTenant } from '../query.js';
import { jobJson, scheduleJson } from '../serialize.js';

interface IdParams {
  id: string;
}

function notFound(tenant: string, id: string): CadenzaError {
  return new CadenzaError(
    'not_found',
    `schedule ${JSON.stringify(id)} of tenant ${JSON.stringify(tenant)} does not exist`,
  );
}

/**
 * The tenant of `PUT /v1/schedules/:id` comes from `?tenant=` or the body's `tenant`;
 * given in both places it must agree.
 */
function bodyWithTenant(body: unknown, tenant: string | undefined): unknown {
  if (tenant === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const given = (body as { tenant?: unknown }).tenant;
  if (given === undefined || given === null) return { ...body, tenant };
  if (given !== tenant) throw invalidArgument('tenant', given, `the tenant of ?tenant= (${JSON.stringify(tenant)})`);
  return body;
}

/**
 * The tenant and id of a request on one schedule, once the request's token holds `scope`
 * and covers the tenant: another tenant's schedule is answered 404, as if absent.
 */
function ownSchedule(request: FastifyRequest<{ Params: IdParams }>, scope: Scope): { tenant: string; id: string } {
  const grant = grantOf(request);
  grant.require(scope);
  const { tenant } = scheduleTenant(request.query);
  const id = idParam(request.params.id);
  if (!grant.sees(tenant)) throw notFound(tenant, id);
  return { tenant, id };
}

/**
 * `/v1/schedules`: create or replace (PUT), read, list, delete, and fire, pause or resume.
 * Schedule ids are unique within a tenant, so every route takes `?tenant=` (default
 * `default`).
 */
export function registerScheduleRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { store, clock } = ctx;

  app.put<{ Params: IdParams }>('/v1/schedules/:id', async (request, reply) => {
    const grant = grantOf(request);
    grant.require('write');
    const { query } = scheduleTenant(request.query);
    const definition = prepareSchedule(request.params.id, bodyWithTenant(request.body, query.tenant), ctx.limits);
    grant.requireTenant(definition.tenant, 'tenant');
    // One schedule more than the tenant's limit is refused (429); replacing one never is.
    const { schedule, created } = await store.upsertSchedule(definition, clock.now(), upsertOptionsOf(ctx.limits));
    ctx.changed();
    return reply.code(created ? 201 : 200).send(scheduleJson(schedule));
  });

  app.get('/v1/schedules', async (request) => {
    const grant = grantOf(request);
    grant.require('read');
    const { tenant, query } = scheduleTenant(request.query, ['limit', 'cursor']);
    const cursor = cursorParam(query.cursor);
    const limit = limitParam(query.limit);
    // Another tenant's schedules are not listed: as if it had none.
    if (!grant.sees(tenant)) return { schedules: [], nextCursor: null };
    const page = await store.listSchedules({
      tenant,
      limit,
      ...definedOnly({ cursor }),
    });
    return { schedules: page.schedules.map(scheduleJson), nextCursor: page.nextCursor ?? null };
  });

  app.get<{ Params: IdParams }>('/v1/schedules/:id', async (request) => {
    const { tenant, id } = ownSchedule(request, 'read');
    const schedule = await store.getSchedule(tenant, id);
    if (schedule === undefined) throw notFound(tenant, id);
    return scheduleJson(schedule);
  });

  app.delete<{ Params: IdParams }>('/v1/schedules/:id', async (request) => {
    const { tenant, id } = ownSchedule(request, 'write');
    if (!(await store.deleteSchedule(tenant, id))) throw notFound(tenant, id);
    ctx.changed();
    return { id, tenant, deleted: true };
  });

  app.post<{ Params: IdParams }>('/v1/schedules/:id/trigger', async (request, reply) => {
    const { tenant, id } = ownSchedule(request, 'write');
    const job = await store.triggerSchedule(tenant, id, clock.now());
    ctx.enqueued([{ id: job.id, status: job.status, created: true }]);
    return reply.code(201).send(jobJson(job));
  });

  for (const action of ['pause', 'resume'] as const) {
    app.post<{ Params: IdParams }>(`/v1/schedules/:id/${action}`, async (request) => {
      const { tenant, id } = ownSchedule(request, 'write');
      const schedule = await store.setSchedulePaused(tenant, id, action === 'pause', clock.now());
      ctx.changed();
      return scheduleJson(schedule);
    });
  }
}
