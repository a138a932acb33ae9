import { CadenzaError, prepareJob, prepareJobBatch } from '@cadenza/core';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { checkQuery, idParam, jobQuery } from '../query.js';
import { jobJson } from '../serialize.js';

interface IdParams {
  id: string;
}

/**
 * `/v1/jobs`: enqueue one or a batch, read one, list, cancel and retry. Bodies are checked
 * by core's schemas before the store is asked anything, and every store call is atomic,
 * so a refused request writes nothing.
 */
export function registerJobRoutes(app: FastifyInstance, ctx: RouteContext, batchBodyLimit: number): void {
  const { store, clock } = ctx;

  app.post('/v1/jobs', async (request, reply) => {
    checkQuery(request.query, []);
    const now = clock.now();
    const job = prepareJob(request.body, now, ctx.limits);
    const results = await store.enqueue([job], now);
    const result = results[0];
    if (result === undefined) throw new Error('store.enqueue returned no result');
    ctx.enqueued([job], results);
    return reply.code(result.created ? 201 : 200).send({ id: result.id, status: result.status });
  });

  app.post('/v1/jobs/batch', { bodyLimit: batchBodyLimit }, async (request, reply) => {
    checkQuery(request.query, []);
    const now = clock.now();
    const jobs = prepareJobBatch(request.body, now, ctx.limits);
    const results = await store.enqueue(jobs, now);
    ctx.enqueued(jobs, results);
    return reply.code(201).send({ ids: results.map((r) => r.id) });
  });

  app.get('/v1/jobs', async (request) => {
    const page = await store.listJobs(jobQuery(request.query));
    return { jobs: page.jobs.map(jobJson), nextCursor: page.nextCursor ?? null };
  });

  app.get<{ Params: IdParams }>('/v1/jobs/:id', async (request) => {
    checkQuery(request.query, []);
    const id = idParam(request.params.id);
    const job = await store.getJob(id);
    if (job === undefined) throw new CadenzaError('not_found', `job ${JSON.stringify(id)} does not exist`);
    return jobJson(job);
  });

  app.delete<{ Params: IdParams }>('/v1/jobs/:id', async (request) => {
    checkQuery(request.query, []);
    const job = await store.cancel(idParam(request.params.id), clock.now());
    // The store refuses to cancel a final job, so each job is counted once.
    ctx.metrics.canceled(job);
    ctx.changed();
    return jobJson(job);
  });

  app.post<{ Params: IdParams }>('/v1/jobs/:id/retry', async (request) => {
    checkQuery(request.query, []);
    if (request.body !== undefined && request.body !== null) {
      if (typeof request.body !== 'object' || Object.keys(request.body).length > 0) {
        throw new CadenzaError('invalid_argument', 'body: expected no body (or an empty object)', { field: 'body' });
      }
    }
    const job = await store.retry(idParam(request.params.id), clock.now());
    ctx.changed();
    return jobJson(job);
  });
}
