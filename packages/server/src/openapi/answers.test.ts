import { createMemoryStore } from '@cadenza/core';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { hashToken, TokenTable } from '../auth/tokens.js';
import { body, testServer } from '../server.test-helpers.js';
import { openApiDocument } from './document.js';
import { inline, resolve } from './openapi.test-helpers.js';

// Real answers of the server, made with inject(), against the schema the document gives
// for their route and status: what clients generated from the document will expect.

const document = openApiDocument({ events: true });
const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true });
addFormats.default(ajv);
const compiled = new Map<string, ValidateFunction>();

/** The document's schema of the answer to `method path` (path as the document writes it) with `status`. */
function answerSchema(method: string, path: string, status: number): { mediaType: string; validate: ValidateFunction } {
  const operation = document.paths[path]?.[method.toLowerCase()] as { responses?: Record<string, unknown> } | undefined;
  if (operation === undefined) throw new Error(`the document has no ${method} ${path}`);
  let response = operation.responses?.[String(status)] as { $ref?: string; content?: Record<string, unknown> };
  if (response === undefined) throw new Error(`the document lists no ${status} for ${method} ${path}`);
  if (response.$ref !== undefined) response = resolve(document, response.$ref) as typeof response;
  const [mediaType, content] = Object.entries(response.content ?? {})[0] ?? [];
  if (mediaType === undefined) throw new Error(`${status} of ${method} ${path} has no content`);
  const key = `${method} ${path} ${status}`;
  let validate = compiled.get(key);
  if (validate === undefined) {
    validate = ajv.compile(inline(document, (content as { schema: unknown }).schema) as object);
    compiled.set(key, validate);
  }
  return { mediaType, validate };
}

/**
 * Asserts that `response` is an answer the document allows for `method path` with the
 * expected status, and returns its body.
 */
function expectDocumented(response: LightMyRequestResponse, method: string, path: string, status: number): unknown {
  expect(response.statusCode, response.body).toBe(status);
  const { mediaType, validate } = answerSchema(method, path, status);
  expect(response.headers['content-type']).toMatch(new RegExp(`^${mediaType}`));
  const answer = mediaType === 'application/json' ? response.json() : response.body;
  const valid = validate(answer);
  expect(validate.errors ?? [], `${method} ${path} ${status}: ${response.body}`).toEqual([]);
  expect(valid).toBe(true);
  return answer;
}

type Server = ReturnType<typeof testServer>;

/** Makes a request and holds its answer against the document. */
async function call(
  { app }: Server,
  request: InjectOptions & { method: string; url: string },
  path: string,
  status: number,
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are checked by expect().
): Promise<any> {
  return expectDocumented(await app.inject(request), request.method, path, status);
}

const richJob = {
  name: 'email.send',
  tenant: 'acme',
  payload: { to: 'ada@example.com' },
  priority: 7,
  tags: ['mail', 'welcome'],
  maxAttempts: 3,
  backoff: { type: 'exponential', delayMs: 1000, maxDelayMs: 60_000, jitter: 'full' },
  timeoutMs: 30_000,
  runAt: '2026-01-02T09:00:00Z',
  idempotencyKey: 'order/42',
};

describe('answers against the document', () => {
  it('jobs: created, repeated, read, listed, batched, canceled, refused', async () => {
    const s = testServer();
    const created = await call(s, { method: 'POST', url: '/v1/jobs', payload: richJob }, '/v1/jobs', 201);
    await call(s, { method: 'POST', url: '/v1/jobs', payload: richJob }, '/v1/jobs', 200);
    const job = await call(s, { method: 'GET', url: `/v1/jobs/${created.id}` }, '/v1/jobs/{id}', 200);
    expect(job).toMatchObject({ tags: ['mail', 'welcome'], status: 'delayed', runAt: '2026-01-02T09:00:00.000Z' });

    const child = await call(
      s,
      { method: 'POST', url: '/v1/jobs', payload: { name: 'email.report', tenant: 'acme', dependsOn: [created.id] } },
      '/v1/jobs',
      201,
    );
    await call(s, { method: 'GET', url: `/v1/jobs/${child.id}` }, '/v1/jobs/{id}', 200);
    await call(
      s,
      { method: 'POST', url: '/v1/jobs/batch', payload: { jobs: [{ name: 'a' }, { name: 'b', payload: null }] } },
      '/v1/jobs/batch',
      201,
    );
    const page = await call(s, { method: 'GET', url: '/v1/jobs?limit=2&include=payload,result' }, '/v1/jobs', 200);
    expect(page.jobs).toHaveLength(2);
    await call(s, { method: 'GET', url: `/v1/jobs?cursor=${page.nextCursor}` }, '/v1/jobs', 200);

    await call(s, { method: 'GET', url: '/v1/jobs/acme:nothing' }, '/v1/jobs/{id}', 404);
    await call(s, { method: 'POST', url: '/v1/jobs', payload: { name: 'x', priority: 12 } }, '/v1/jobs', 400);
    await call(s, { method: 'GET', url: '/v1/jobs?colour=red' }, '/v1/jobs', 400);
    await call(s, { method: 'POST', url: `/v1/jobs/${created.id}/retry` }, '/v1/jobs/{id}/retry', 409);
    await call(s, { method: 'DELETE', url: `/v1/jobs/${created.id}` }, '/v1/jobs/{id}', 200);
    await call(s, { method: 'DELETE', url: `/v1/jobs/${created.id}` }, '/v1/jobs/{id}', 409);
  });

  it('a body over the limit is 413', async () => {
    const s = testServer({ limits: { maxPayloadBytes: 100, maxBodyBytes: 1000 } });
    const payload = { name: 'big', payload: 'x'.repeat(2000) };
    await call(s, { method: 'POST', url: '/v1/jobs', payload }, '/v1/jobs', 413);
  });

  it('schedules: put, replaced, read, listed, fired, paused, resumed, deleted, over the limit', async () => {
    const s = testServer({ limits: { maxSchedulesPerTenant: 4 } });
    const put = (id: string, payload: object, status: number) =>
      call(s, { method: 'PUT', url: `/v1/schedules/${id}?tenant=acme`, payload }, '/v1/schedules/{id}', status);
    const cron = { name: 'email.send', cron: '0 8 * * MON-FRI', tz: 'Europe/Berlin', payload: { to: 'team' } };
    expect(await put('digest', cron, 201)).toMatchObject({ cron: '0 8 * * MON-FRI', runCount: 0 });
    await put('digest', { ...cron, tags: ['mail'], backoff: { type: 'fixed', delayMs: 5 } }, 200);
    await put('tick', { name: 'tick', every: 60_000, startAt: '2026-01-01T00:00:00Z', misfire: 'all' }, 201);
    await put('once', { name: 'once', at: '2026-06-01T12:00:00+02:00' }, 201);
    await put('by-hand', { name: 'by-hand', manual: true, paused: true }, 201);
    await put('one-more', { name: 'x', manual: true }, 429);
    await put('bad', { name: 'x' }, 400);

    await call(s, { method: 'GET', url: '/v1/schedules?tenant=acme&limit=2' }, '/v1/schedules', 200);
    await call(s, { method: 'GET', url: '/v1/schedules/tick?tenant=acme' }, '/v1/schedules/{id}', 200);
    await call(s, { method: 'GET', url: '/v1/schedules/tick' }, '/v1/schedules/{id}', 404);
    const job = await call(
      s,
      { method: 'POST', url: '/v1/schedules/by-hand/trigger?tenant=acme' },
      '/v1/schedules/{id}/trigger',
      201,
    );
    expect(job.scheduleId).toBe('by-hand');
    await call(s, { method: 'POST', url: '/v1/schedules/digest/pause?tenant=acme' }, '/v1/schedules/{id}/pause', 200);
    await call(s, { method: 'POST', url: '/v1/schedules/digest/resume?tenant=acme' }, '/v1/schedules/{id}/resume', 200);
    await call(s, { method: 'DELETE', url: '/v1/schedules/once?tenant=acme' }, '/v1/schedules/{id}', 200);
    await call(s, { method: 'DELETE', url: '/v1/schedules/once?tenant=acme' }, '/v1/schedules/{id}', 404);
  });

  it('schedule previews, activity and past attempts', async () => {
    const s = testServer();
    const previewOf = (payload: object, status: number) =>
      call(s, { method: 'POST', url: '/v1/schedules/preview', payload }, '/v1/schedules/preview', status);
    await previewOf({ cron: '30 9 * * 1-5', tz: 'Europe/Berlin', count: 50 }, 200);
    await previewOf({ every: 90_000, startAt: '2026-01-01T00:00:00Z', after: '2026-02-01T00:00:00Z' }, 200);
    await previewOf({ at: '2026-06-01T12:00:00Z' }, 200);
    await previewOf({ manual: true }, 200);
    await previewOf({ cron: '61 * * * *' }, 400);

    const { id } = await call(
      s,
      { method: 'POST', url: '/v1/jobs', payload: { name: 'a', maxAttempts: 2 } },
      '/v1/jobs',
      201,
    );
    const [claimed] = await s.store.claim({ workerId: 'w1', limit: 1, leaseMs: 30_000, now: s.clock.now() });
    if (claimed === undefined) throw new Error('nothing to claim');
    const error = { code: 'handler_error', message: 'boom' };
    await s.store.settle(
      [{ jobId: id, token: claimed.lease.token, outcome: 'failed', error, retryAt: s.clock.now() }],
      s.clock.now(),
    );
    const job = await call(s, { method: 'GET', url: `/v1/jobs/${id}` }, '/v1/jobs/{id}', 200);
    expect(job.pastAttempts).toHaveLength(1);
    const activity = await call(s, { method: 'GET', url: '/v1/activity?minutes=60' }, '/v1/activity', 200);
    expect(activity.minutes).toHaveLength(60);
    await call(s, { method: 'GET', url: '/v1/activity?tenant=acme&minutes=1' }, '/v1/activity', 200);
    await call(s, { method: 'GET', url: '/v1/activity?minutes=0' }, '/v1/activity', 400);

    await call(
      s,
      { method: 'PUT', url: '/v1/schedules/by-hand', payload: { name: 'a', manual: true } },
      '/v1/schedules/{id}',
      201,
    );
    await call(s, { method: 'POST', url: '/v1/schedules/by-hand/trigger' }, '/v1/schedules/{id}/trigger', 201);
    const schedule = await call(s, { method: 'GET', url: '/v1/schedules/by-hand' }, '/v1/schedules/{id}', 200);
    expect(typeof schedule.lastJobId).toBe('string');

    // A store that keeps no activity says so.
    const memory = createMemoryStore();
    const bare = testServer({
      store: new Proxy(memory, {
        get: (target, key) => {
          if (key === 'activity') return undefined;
          const value = Reflect.get(target, key, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
    });
    const none = await call(bare, { method: 'GET', url: '/v1/activity' }, '/v1/activity', 200);
    expect(none).toEqual({ minutes: [], unsupported: true });
  });

  it('cluster, health, readiness and metrics', async () => {
    const s = testServer({
      node: {
        id: 'dev-1',
        role: 'dev',
        startedAt: Date.parse('2026-01-01T00:00:00Z'),
        worker: () => ({ active: 1, concurrency: 4 }),
        coordinator: () => ({ lastTickAt: null }),
      },
    });
    await s.app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a', priority: 3 } });
    const cluster = await call(s, { method: 'GET', url: '/v1/cluster' }, '/v1/cluster', 200);
    expect(cluster.queues).toEqual([{ tenant: 'default', priority: 3, counts: { waiting: 1 } }]);
    await call(s, { method: 'GET', url: '/healthz' }, '/healthz', 200);
    // A coordinator with no leader known is not ready.
    await call(s, { method: 'GET', url: '/readyz' }, '/readyz', 503);
    await call(s, { method: 'GET', url: '/metrics' }, '/metrics', 200);
    await call(s, { method: 'GET', url: '/openapi.json' }, '/openapi.json', 200);

    const plain = testServer();
    await call(plain, { method: 'GET', url: '/readyz' }, '/readyz', 200);
    await call(plain, { method: 'GET', url: '/v1/cluster' }, '/v1/cluster', 200);
  });

  it('a /v1 request without a token, on a server that asks for one, is 401', async () => {
    const tokens = new TokenTable([{ name: 'ops', sha256: hashToken('secret'), tenants: '*', scopes: ['read'] }]);
    const s = testServer({ tokens: () => tokens });
    await call(s, { method: 'GET', url: '/v1/jobs' }, '/v1/jobs', 401);
    await call(
      s,
      { method: 'GET', url: '/v1/cluster', headers: { authorization: 'Bearer secret' } },
      '/v1/cluster',
      403,
    );
  });

  it('a request addressed to another host, on a server that answers loopback names only, is 403', async () => {
    const s = testServer({ loopbackHostsOnly: true });
    await call(s, { method: 'GET', url: '/openapi.json', headers: { host: 'localhost:8080' } }, '/openapi.json', 200);
    await call(s, { method: 'GET', url: '/openapi.json', headers: { host: 'rebound.example' } }, '/openapi.json', 403);
    await call(s, { method: 'GET', url: '/v1/jobs', headers: { host: 'rebound.example' } }, '/v1/jobs', 403);
  });

  it('refuses answers that stray from the document, so the checks above mean something', async () => {
    const s = testServer();
    const created = body(await s.app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a' } }));
    const job = body(await s.app.inject({ method: 'GET', url: `/v1/jobs/${created.id}` }));
    const { validate } = answerSchema('GET', '/v1/jobs/{id}', 200);
    expect(validate(job)).toBe(true);
    expect(validate({ ...job, colour: 'red' })).toBe(false);
    expect(validate({ ...job, createdAt: 'yesterday' })).toBe(false);
    expect(answerSchema('GET', '/v1/jobs/{id}', 404).validate(job)).toBe(false);
    const missing = body(await s.app.inject({ method: 'GET', url: '/v1/jobs/acme:nothing' }));
    expect(answerSchema('GET', '/v1/jobs/{id}', 404).validate(missing)).toBe(true);
    expect(answerSchema('DELETE', '/v1/jobs/{id}', 409).validate(missing)).toBe(false);
  });
});
