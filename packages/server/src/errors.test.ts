import { CadenzaError, createMemoryStore, ERROR_CODES, HTTP_STATUS, type Logger } from '@cadenza/core';
import { spyStore } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import { INTERNAL_CODE } from './errors.js';
import { body, errorOf, storeContents, testServer } from './server.test-helpers.js';

describe('the error catalogue', () => {
  it('has an HTTP status for every code, each a 4xx or 5xx', () => {
    for (const code of ERROR_CODES) {
      const status = HTTP_STATUS[code];
      expect(status >= 400 && status < 600, `${code} → ${status}`).toBe(true);
    }
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
  });

  // Every code through one route, from a store that throws it: the mapping, whatever raises
  // the code (tokens raise unauthorized and forbidden: auth/tokens-routes.test.ts).
  for (const code of ERROR_CODES) {
    it(`answers ${code} with ${HTTP_STATUS[code]} and {error:{code,message}}`, async () => {
      const spy = spyStore(createMemoryStore());
      spy.overrides.getJob = () => Promise.reject(new CadenzaError(code, `because ${code}`));
      const { app } = testServer({ store: spy.store });
      const res = await app.inject({ url: '/v1/jobs/default:x' });
      expect(res.statusCode).toBe(HTTP_STATUS[code]);
      expect(body(res)).toEqual({ error: { code, message: `because ${code}` } });
    });
  }
});

describe('errors that are not ours', () => {
  it('answer 500 with a generic message and no stack when the store answers', async () => {
    const spy = spyStore(createMemoryStore());
    spy.overrides.getJob = () => Promise.reject(new TypeError('x is undefined at /srv/app/secret.js:10'));
    const { app } = testServer({ store: spy.store });
    const res = await app.inject({ url: '/v1/jobs/default:x' });
    expect(res.statusCode).toBe(500);
    expect(errorOf(res).code).toBe(INTERNAL_CODE);
    expect(res.body).not.toMatch(/secret|TypeError|stack/);
  });

  it('answer 503 unavailable when the store cannot be reached', async () => {
    const spy = spyStore(createMemoryStore());
    spy.overrides.enqueue = () => Promise.reject(new Error('ECONNRESET 10.1.2.3:6379'));
    spy.overrides.ping = () => Promise.reject(new Error('ECONNREFUSED'));
    const { app, store } = testServer({ store: spy.store });
    const res = await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a' } });
    expect(res.statusCode).toBe(503);
    expect(errorOf(res).code).toBe('unavailable');
    expect(res.body).not.toContain('10.1.2.3');
    spy.overrides.ping = undefined;
    expect(await storeContents(store)).toEqual({ jobs: 0, schedules: 0 });
  });

  it('a closed store answers 503 on every /v1 route', async () => {
    const { app, store } = testServer();
    await store.close();
    const requests = [
      { method: 'POST', url: '/v1/jobs', payload: { name: 'a' } },
      { method: 'POST', url: '/v1/jobs/batch', payload: { jobs: [{ name: 'a' }] } },
      { method: 'GET', url: '/v1/jobs' },
      { method: 'GET', url: '/v1/jobs/default:x' },
      { method: 'DELETE', url: '/v1/jobs/default:x' },
      { method: 'POST', url: '/v1/jobs/default:x/retry' },
      { method: 'PUT', url: '/v1/schedules/s', payload: { name: 'a', every: 1000 } },
      { method: 'GET', url: '/v1/schedules' },
      { method: 'GET', url: '/v1/schedules/s' },
      { method: 'DELETE', url: '/v1/schedules/s' },
      { method: 'POST', url: '/v1/schedules/s/trigger' },
      { method: 'POST', url: '/v1/schedules/s/pause' },
      { method: 'POST', url: '/v1/schedules/s/resume' },
      { method: 'GET', url: '/v1/cluster' },
    ] as const;
    for (const request of requests) {
      const res = await app.inject(request);
      expect(res.statusCode, `${request.method} ${request.url}`).toBe(503);
      expect(errorOf(res).code).toBe('unavailable');
    }
  });

  it('an unknown route answers 404 not_found', async () => {
    const { app } = testServer();
    const res = await app.inject({ url: '/v2/things' });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res)).toEqual({ code: 'not_found', message: 'no route GET /v2/things' });
  });

  it('a hook that throws does not fail the request', async () => {
    const { app } = testServer({
      onEnqueued: () => {
        throw new Error('hook');
      },
      onChanged: () => {
        throw new Error('hook');
      },
    });
    const res = await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a' } });
    expect(res.statusCode).toBe(201);
    const canceled = await app.inject({ method: 'DELETE', url: `/v1/jobs/${body(res).id}` });
    expect(canceled.statusCode).toBe(200);
  });
});

describe('limits', () => {
  it('a bad limit is refused when the server is created', () => {
    expect(() => testServer({ limits: { maxPayloadBytes: 0 } })).toThrow(/limits\.maxPayloadBytes/);
    expect(() => testServer({ limits: { maxBodyBytes: 1.5 } })).toThrow(/limits\.maxBodyBytes/);
  });
});

describe('logging', () => {
  it('logs a 500 with its error, and a 503 as a warning', async () => {
    const logged: { level: string; args: unknown[] }[] = [];
    const record =
      (level: string) =>
      (...args: unknown[]) => {
        logged.push({ level, args });
      };
    // Only the methods the server calls; a pino logger in production.
    const log = { error: record('error'), warn: record('warn') } as unknown as Logger;
    const spy = spyStore(createMemoryStore());
    const failure = new Error('kaput');
    spy.overrides.getJob = () => Promise.reject(failure);
    const { app } = testServer({ store: spy.store, log });
    expect((await app.inject({ url: '/v1/jobs/default:x' })).statusCode).toBe(500);
    expect(logged).toEqual([{ level: 'error', args: [expect.objectContaining({ err: failure }), 'request failed'] }]);
  });
});
