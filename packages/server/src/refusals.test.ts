import type { Store } from '@cadenza/core';
import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { errorOf, storeContents, testServer } from './server.test-helpers.js';

/**
 * Nothing is written by a refused request (docs/limits.md). Each bad input is refused with the
 * right code, a message naming the field, and an empty store afterwards.
 */
interface Refusal {
  what: string;
  request: InjectOptions;
  status: number;
  code: string;
  /** The message starts with the name of the field at fault. */
  field: string;
}

const big = 'x'.repeat(2000);

const refusals: Refusal[] = [
  {
    what: 'malformed JSON',
    request: { method: 'POST', url: '/v1/jobs', headers: { 'content-type': 'application/json' }, payload: '{"name":' },
    status: 400,
    code: 'invalid_argument',
    field: 'body',
  },
  {
    what: 'a JSON body with __proto__',
    request: {
      method: 'POST',
      url: '/v1/jobs',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"a","__proto__":{"x":1}}',
    },
    status: 400,
    code: 'invalid_argument',
    field: 'body',
  },
  {
    what: 'a body that is not JSON',
    request: { method: 'POST', url: '/v1/jobs', headers: { 'content-type': 'application/xml' }, payload: '<job/>' },
    status: 400,
    code: 'invalid_argument',
    field: 'content-type',
  },
  {
    what: 'no body',
    request: { method: 'POST', url: '/v1/jobs' },
    status: 400,
    code: 'invalid_argument',
    field: 'job',
  },
  {
    what: 'an unknown field',
    request: { method: 'POST', url: '/v1/jobs', payload: { name: 'a', priorty: 3 } },
    status: 400,
    code: 'invalid_argument',
    field: 'priorty',
  },
  {
    what: 'a bad tenant',
    request: { method: 'POST', url: '/v1/jobs', payload: { name: 'a', tenant: 'Acme Corp' } },
    status: 400,
    code: 'invalid_argument',
    field: 'tenant',
  },
  {
    what: 'a bad priority',
    request: { method: 'POST', url: '/v1/jobs', payload: { name: 'a', priority: 10 } },
    status: 400,
    code: 'invalid_argument',
    field: 'priority',
  },
  {
    what: 'a malformed dependsOn',
    request: { method: 'POST', url: '/v1/jobs', payload: { name: 'a', dependsOn: 'x' } },
    status: 400,
    code: 'invalid_argument',
    field: 'dependsOn',
  },
  {
    what: 'a dependsOn naming an unknown job',
    request: { method: 'POST', url: '/v1/jobs', payload: { name: 'a', dependsOn: ['default:nope'] } },
    status: 400,
    code: 'invalid_argument',
    field: 'dependsOn',
  },
  {
    what: 'a payload over the limit',
    request: { method: 'POST', url: '/v1/jobs', payload: { name: 'a', payload: big } },
    status: 413,
    code: 'payload_too_large',
    field: 'payload',
  },
  {
    what: 'a body over the body limit',
    request: { method: 'POST', url: '/v1/jobs', payload: { name: 'a', payload: 'x'.repeat(80_000) } },
    status: 413,
    code: 'payload_too_large',
    field: 'body',
  },
  {
    what: 'a batch with one bad job',
    request: { method: 'POST', url: '/v1/jobs/batch', payload: { jobs: [{ name: 'a' }, { name: 'b', priority: -1 }] } },
    status: 400,
    code: 'invalid_argument',
    field: 'jobs.1.priority',
  },
  {
    what: 'a batch with an oversized payload',
    request: { method: 'POST', url: '/v1/jobs/batch', payload: { jobs: [{ name: 'a' }, { name: 'b', payload: big }] } },
    status: 413,
    code: 'payload_too_large',
    field: 'jobs.1.payload',
  },
  {
    what: 'a batch with an unknown parent',
    request: {
      method: 'POST',
      url: '/v1/jobs/batch',
      payload: { jobs: [{ name: 'a' }, { name: 'b', dependsOn: ['default:nope'] }] },
    },
    status: 400,
    code: 'invalid_argument',
    field: 'jobs.1.dependsOn',
  },
  {
    what: 'a batch body without jobs',
    request: { method: 'POST', url: '/v1/jobs/batch', payload: [{ name: 'a' }] },
    status: 400,
    code: 'invalid_argument',
    field: 'batch',
  },
  {
    what: 'a bad cron',
    request: { method: 'PUT', url: '/v1/schedules/s', payload: { name: 'a', cron: '61 * * * *' } },
    status: 400,
    code: 'invalid_argument',
    field: 'cron',
  },
  {
    what: 'a bad zone',
    request: { method: 'PUT', url: '/v1/schedules/s', payload: { name: 'a', cron: '0 * * * *', tz: 'Mars/Olympus' } },
    status: 400,
    code: 'invalid_argument',
    field: 'tz',
  },
  {
    what: 'a schedule without a trigger',
    request: { method: 'PUT', url: '/v1/schedules/s', payload: { name: 'a' } },
    status: 400,
    code: 'invalid_argument',
    field: 'trigger',
  },
  {
    what: 'a bad schedule id',
    request: { method: 'PUT', url: '/v1/schedules/-bad', payload: { name: 'a', every: 1000 } },
    status: 400,
    code: 'invalid_argument',
    field: 'id',
  },
  {
    what: 'a schedule with a bad tenant query',
    request: { method: 'PUT', url: '/v1/schedules/s?tenant=NO', payload: { name: 'a', every: 1000 } },
    status: 400,
    code: 'invalid_argument',
    field: 'tenant',
  },
  {
    what: 'a schedule with an oversized payload',
    request: { method: 'PUT', url: '/v1/schedules/s', payload: { name: 'a', every: 1000, payload: big } },
    status: 413,
    code: 'payload_too_large',
    field: 'payload',
  },
  {
    what: 'an unknown query parameter on enqueue',
    request: { method: 'POST', url: '/v1/jobs?dryRun=1', payload: { name: 'a' } },
    status: 400,
    code: 'invalid_argument',
    field: 'dryRun',
  },
];

async function empty(store: Store): Promise<void> {
  expect(await storeContents(store)).toEqual({ jobs: 0, schedules: 0 });
}

describe('refused writes write nothing', () => {
  for (const refusal of refusals) {
    it(`refuses ${refusal.what} with ${refusal.status} ${refusal.code}, naming ${refusal.field}`, async () => {
      const { app, store } = testServer({ limits: { maxPayloadBytes: 1000 } });
      const res = await app.inject(refusal.request);
      expect(res.statusCode).toBe(refusal.status);
      const error = errorOf(res);
      expect(error.code).toBe(refusal.code);
      expect(error.message.startsWith(`${refusal.field}:`)).toBe(true);
      await empty(store);
    });
  }
});

describe('refusals leave existing state alone', () => {
  it('a refused batch keeps none of its good jobs', async () => {
    const { app, store } = testServer();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/jobs/batch',
      payload: { jobs: [{ name: 'a', idempotencyKey: 'k' }, { name: 'b' }, { name: 'c', tenant: 'BAD' }] },
    });
    expect(res.statusCode).toBe(400);
    await empty(store);
    // The key is still free.
    const again = await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a', idempotencyKey: 'k' } });
    expect(again.statusCode).toBe(201);
  });

  it('a refused replacement keeps the schedule as it was', async () => {
    const { app, store } = testServer();
    await app.inject({ method: 'PUT', url: '/v1/schedules/s', payload: { name: 'a', cron: '0 9 * * *' } });
    const res = await app.inject({ method: 'PUT', url: '/v1/schedules/s', payload: { name: 'a', cron: 'bogus' } });
    expect(res.statusCode).toBe(400);
    expect((await store.getSchedule('default', 's'))?.trigger).toEqual({ kind: 'cron', cron: '0 9 * * *', tz: 'UTC' });
  });
});
