// PUT /v1/schedules/:id under the deployment's schedule limits: the shortest `every`
// (400 naming it) and the most schedules per tenant (429 naming it). Nothing is written
// by a refusal.
import { createMemoryStore } from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { createServer } from './server.js';
import { body, errorOf, storeContents, testServer } from './server.test-helpers.js';

const put = (id: string, payload: unknown, tenant?: string) => ({
  method: 'PUT' as const,
  url: `/v1/schedules/${id}${tenant === undefined ? '' : `?tenant=${tenant}`}`,
  payload: payload as Record<string, unknown>,
});

describe('the shortest every', () => {
  it('is 1,000 ms by default: a shorter one is refused with 400 naming every and the minimum', async () => {
    const { app, store } = testServer();
    const refused = await app.inject(put('fast', { name: 'tick', every: 999 }));
    expect(refused.statusCode).toBe(400);
    const error = errorOf(refused);
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toMatch(/^every: got 999, expected .*from 1000 \(the minimum interval\)/);
    expect(await storeContents(store)).toEqual({ jobs: 0, schedules: 0 });
    expect((await app.inject(put('fast', { name: 'tick', every: 1000 }))).statusCode).toBe(201);
  });

  it('follows limits.minIntervalMs', async () => {
    const { app, store } = testServer({ limits: { minIntervalMs: 60_000 } });
    const refused = await app.inject(put('fast', { name: 'tick', every: 59_999 }));
    expect(refused.statusCode).toBe(400);
    expect(errorOf(refused).message).toContain('from 60000 (the minimum interval)');
    expect(await storeContents(store)).toEqual({ jobs: 0, schedules: 0 });
    const created = await app.inject(put('fast', { name: 'tick', every: 60_000 }));
    expect(created.statusCode).toBe(201);
    expect(body(created)).toMatchObject({ id: 'fast', every: 60_000 });
  });
});

describe('the most schedules per tenant', () => {
  it('refuses one more with 429 resource_exhausted naming the limit; replacing and other tenants pass', async () => {
    const { app, store } = testServer({ limits: { maxSchedulesPerTenant: 2 } });
    expect((await app.inject(put('a', { name: 'tick', every: 60_000 }))).statusCode).toBe(201);
    expect((await app.inject(put('b', { name: 'tick', every: 60_000 }))).statusCode).toBe(201);
    const refused = await app.inject(put('c', { name: 'tick', every: 60_000 }));
    expect(refused.statusCode).toBe(429);
    const error = errorOf(refused);
    expect(error.code).toBe('resource_exhausted');
    expect(error.message).toContain('maxSchedulesPerTenant 2');
    expect(error.message).toContain('"default"');
    expect(await storeContents(store)).toEqual({ jobs: 0, schedules: 2 });
    expect((await app.inject(put('b', { name: 'tick', every: 120_000 }))).statusCode).toBe(200);
    expect((await app.inject(put('c', { name: 'tick', every: 60_000 }, 'beta'))).statusCode).toBe(201);
    expect((await app.inject({ method: 'DELETE', url: '/v1/schedules/a' })).statusCode).toBe(200);
    expect((await app.inject(put('c', { name: 'tick', every: 60_000 }))).statusCode).toBe(201);
  });
});

describe('bad schedule limits', () => {
  it.each([
    [{ minIntervalMs: 0 }, 'limits.minIntervalMs: got 0'],
    [{ maxSchedulesPerTenant: 1.5 }, 'limits.maxSchedulesPerTenant: got 1.5'],
  ])('are refused when the server is built: %j', (limits, message) => {
    expect(() => createServer({ store: createMemoryStore(), limits })).toThrow(message);
  });
});
