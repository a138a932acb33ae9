import { CadenzaError, prepareJob, prepareJobBatch, tenantOfJobId } from '@cadenza/core';
import type { FastifyInstance } from 'fastify';
import type { Grant } from '../auth/grant.js';
import { grantOf } from '../auth/guard.js';
import type { RouteContext } from '../context.js';
import { checkQuery, idParam, jobQuery } from '../query.js';
import { jobJson, pastAttemptJson } from '../serialize.js';

interface IdParams {
  id: string;
}

function notFound(id: string): CadenzaError {
  return new CadenzaError('not_found', `job ${JSON.stringify(id)} does not exist`);
}

/**
 * The id of a job the grant covers: a job of another tenant is answered 404, as if absent,
 * before the store is asked (a job id names its tenant).
 */
function ownJobId(grant: Grant, raw: unknown): string {
  const id = idParam(raw);
  const tenant = tenantOfJobId(id);
  if (!grant.allTenants && (tenant === undefined || !grant.sees(tenant))) throw notFound(id);
  return id;
}

/**
 * `/v1/jobs`: enqueue one or a batch, read one, list, cancel and retry. Bodies are checked
 * by core's schemas before the store is asked anything, and every store call is atomic,
 * so a refused request writes nothing.
 */
export function registerJobRoutes(app: FastifyInstance, ctx: RouteContext, batchBodyLimit: number): void {
  const { store, clock } = ctx;

  app.post('/v1/jobs', async (request, reply) => {
    const grant = grantOf(request);
    grant.require('write');
    checkQuery(request.query, []);
    const now = clock.now();
    const job = prepareJob(request.body, now, ctx.limits);
    grant.requireTenant(job.tenant, 'tenant');
    const results = await store.enqueue([job], now);
    const result = results[0];
    if (result === undefined) throw new Error('store.enqueue returned no result');
    ctx.enqueued(results);
    return reply.code(result.created ? 201 : 200).send({ id: result.id, status: result.status });
  });

  app.post('/v1/jobs/batch', { bodyLimit: batchBodyLimit }, async (request, reply) => {
    const grant = grantOf(request);
    grant.require('write');
    checkQuery(request.query, []);
    const now = clock.now();
    const jobs = prepareJobBatch(request.body, now, ctx.limits);
    jobs.forEach((job, i) => {
      grant.requireTenant(job.tenant, `jobs[${i}].tenant`);
    });
    const results = await store.enqueue(jobs, now);
    ctx.enqueued(results);
    return reply.code(201).send({ ids: results.map((r) => r.id) });
  });

  app.get('/v1/jobs', async (request) => {
    const grant = grantOf(request);
    grant.require('read');
    const query = jobQuery(request.query);
    if (query.tenant !== undefined && !grant.sees(query.tenant)) return { jobs: [], nextCursor: null };
    // A token of one tenant lists that tenant; one of several lists every tenant and drops the
    // others' jobs from each page (a page may come back short, with its cursor: the list goes on).
    const only = query.tenant ?? grant.onlyTenant;
    const page = await store.listJobs(only === undefined ? query : { ...query, tenant: only });
    const jobs = grant.allTenants ? page.jobs : page.jobs.filter((job) => grant.sees(job.tenant));
    return { jobs: jobs.map(jobJson), nextCursor: page.nextCursor ?? null };
  });

  app.get<{ Params: IdParams }>('/v1/jobs/:id', async (request) => {
    const grant = grantOf(request);
    grant.require('read');
    checkQuery(request.query, []);
    const id = ownJobId(grant, request.params.id);
    const [job, past] = await Promise.all([store.getJob(id), store.pastAttempts?.(id)]);
    if (job === undefined) throw notFound(id);
    // Only the single job carries its past attempts; a store that keeps none answers [].
    return { ...jobJson(job), pastAttempts: (past ?? []).map(pastAttemptJson) };
  });

  app.delete<{ Params: IdParams }>('/v1/jobs/:id', async (request) => {
    const grant = grantOf(request);
    grant.require('write');
    checkQuery(request.query, []);
    // Counted as canceled by the store's instrumentation (metrics/instrument-store.ts).
    const job = await store.cancel(ownJobId(grant, request.params.id), clock.now());
    ctx.changed();
    return jobJson(job);
  });

  app.post<{ Params: IdParams }>('/v1/jobs/:id/retry', async (request) => {
    const grant = grantOf(request);
    grant.require('write');
    checkQuery(request.query, []);
    if (request.body !== undefined && request.body !== null) {
      if (typeof request.body !== 'object' || Object.keys(request.body).length > 0) {
        throw new CadenzaError('invalid_argument', 'body: expected no body (or an empty object)', { field: 'body' });
      }
    }
    const job = await store.retry(ownJobId(grant, request.params.id), clock.now());
    ctx.changed();
    return jobJson(job);
  });
}
