import { CadenzaError, createMemoryStore } from '@cadenza/core';
import { spyStore } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import type { NotReady } from './context.js';
import { body, testServer } from './server.test-helpers.js';

describe('GET /healthz and /readyz', () => {
  it('healthz answers 200 while the process runs, even with the store down', async () => {
    const { app, store } = testServer();
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    await store.close();
    const res = await app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(body(res)).toEqual({ status: 'ok' });
  });

  it('readyz answers 200 when the store answers', async () => {
    const { app } = testServer();
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(body(res)).toEqual({ status: 'ready' });
  });

  it('readyz answers 503 with why when the store is closed', async () => {
    const { app, store } = testServer();
    await store.close();
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(body(res)).toEqual({
      status: 'unavailable',
      error: { code: 'unavailable', message: 'the memory store is closed' },
    });
  });

  it('readyz answers 503 when ping rejects', async () => {
    const spy = spyStore(createMemoryStore());
    spy.overrides.ping = () => Promise.reject(new CadenzaError('unavailable', 'redis: connection refused'));
    const { app } = testServer({ store: spy.store });
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(body(res).error.message).toBe('redis: connection refused');
  });

  it('readyz answers 503 with the reason while the process is not ready (shutting down), healthz still 200', async () => {
    let reason: NotReady | undefined;
    const { app } = testServer({ notReady: () => reason });
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    reason = { status: 'stopping', message: 'shutting down: 2 jobs still running' };
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(body(res)).toEqual({
      status: 'stopping',
      error: { code: 'unavailable', message: 'shutting down: 2 jobs still running' },
    });
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it("readyz answers 503 with the process's own reason (a worker that cannot claim) while the store answers", async () => {
    const message = 'its last claim failed: the store did not answer';
    let reason: NotReady | undefined = { status: 'unavailable', message };
    const { app } = testServer({ routes: 'health', node: { id: 'w1', role: 'worker' }, notReady: () => reason });
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(body(res)).toEqual({ status: 'unavailable', error: { code: 'unavailable', message } });
    reason = undefined;
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('readyz says a shutdown before the store is tried, and a store that does not answer before the own reason', async () => {
    let reason: NotReady = { status: 'unavailable', message: 'above its memory ceiling: claiming nothing new' };
    const { app, store } = testServer({ routes: 'health', node: { id: 'w1', role: 'worker' }, notReady: () => reason });
    await store.close();
    const down = await app.inject({ url: '/readyz' });
    // The store's own message, not the worker's reason.
    expect([down.statusCode, body(down).error.message]).toEqual([503, 'the memory store is closed']);
    reason = { status: 'stopping', message: 'shutting down' };
    const stopping = await app.inject({ url: '/readyz' });
    expect(stopping.statusCode).toBe(503);
    expect(body(stopping)).toEqual({ status: 'stopping', error: { code: 'unavailable', message: 'shutting down' } });
  });

  it('readyz of a coordinator answers 503 while no leader is known, 200 with the leader once one leads', async () => {
    const { app, store, clock } = testServer({
      routes: 'health',
      node: { id: 'c1', role: 'coordinator', coordinator: () => ({}) },
    });
    const none = await app.inject({ url: '/readyz' });
    expect(none.statusCode).toBe(503);
    expect(body(none)).toMatchObject({
      status: 'unavailable',
      leader: null,
      leading: false,
      error: { code: 'unavailable', message: 'no leader: no coordinator holds the lease' },
    });
    await store.acquireLeadership('c1', 10_000, clock.now());
    const led = await app.inject({ url: '/readyz' });
    expect(led.statusCode).toBe(200);
    expect(body(led)).toMatchObject({ status: 'ready', leading: true, leader: { id: 'c1', epoch: 1 } });
  });

  it('readyz never shows the text of an error that is not ours', async () => {
    const spy = spyStore(createMemoryStore());
    spy.overrides.ping = () => Promise.reject(new Error('ECONNREFUSED 10.0.0.3:6379 secret-host'));
    const { app } = testServer({ store: spy.store });
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.body).not.toContain('secret-host');
  });
});

describe('GET /metrics', () => {
  it('shows process metrics, jobs enqueued and canceled by name and tenant, and HTTP requests, in Prometheus text', async () => {
    const { app } = testServer({ node: { id: 'n1', role: 'server' } });
    await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a', tenant: 'acme' } });
    await app.inject({ method: 'POST', url: '/v1/jobs/batch', payload: { jobs: [{ name: 'a' }, { name: 'b' }] } });
    // A repeated idempotency key creates nothing and counts nothing.
    await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a', tenant: 'acme', idempotencyKey: 'k' } });
    const again = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      payload: { name: 'a', tenant: 'acme', idempotencyKey: 'k' },
    });
    await app.inject({ method: 'DELETE', url: `/v1/jobs/${body(again).id}` });
    // A second cancel is refused (the job is final), so it is not counted again.
    await app.inject({ method: 'DELETE', url: `/v1/jobs/${body(again).id}` });
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('cadenza_jobs_enqueued_total{name="a",tenant="acme",node="n1"} 2');
    expect(res.body).toContain('cadenza_jobs_enqueued_total{name="a",tenant="default",node="n1"} 1');
    expect(res.body).toContain('cadenza_jobs_enqueued_total{name="b",tenant="default",node="n1"} 1');
    expect(res.body).toContain('cadenza_jobs_canceled_total{name="a",tenant="acme",node="n1"} 1');
    // Queue depths are cluster-wide: the leading coordinator reports them, not the API.
    expect(res.body).not.toContain('cadenza_queue_depth');
    expect(res.body).toContain('process_cpu_user_seconds_total');
    expect(res.body).toMatch(
      /cadenza_http_requests_total\{method="POST",route="\/v1\/jobs",status="201",node="n1"\} 2/,
    );
  });

  it('gives each server its own registry', async () => {
    const one = testServer();
    const two = testServer();
    await one.app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a' } });
    expect((await one.app.inject({ url: '/metrics' })).body).toContain(
      'cadenza_jobs_enqueued_total{name="a",tenant="default"} 1',
    );
    expect((await two.app.inject({ url: '/metrics' })).body).not.toContain('cadenza_jobs_enqueued_total{name=');
  });

  it('still answers with the store down', async () => {
    const { app, store } = testServer();
    await store.close();
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('process_cpu_user_seconds_total');
  });
});

describe("routes: 'health'", () => {
  it('serves health and metrics only, for processes that do not serve the API', async () => {
    const { app } = testServer({ routes: 'health', node: { id: 'w1', role: 'worker' } });
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/metrics' })).body).toContain('node="w1"');
    const api = await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a' } });
    expect(api.statusCode).toBe(404);
    expect((await app.inject({ url: '/v1/cluster' })).statusCode).toBe(404);
  });
});
