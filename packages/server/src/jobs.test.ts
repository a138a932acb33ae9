import type { Store } from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { body, errorOf, START, testServer } from './server.test-helpers.js';

/** Claims the one waiting job and settles it as `outcome`. */
async function finish(store: Store, now: number, outcome: 'succeeded' | 'failed'): Promise<void> {
  const [claimed] = await store.claim({ workerId: 'w1', limit: 1, leaseMs: 30_000, now });
  if (claimed === undefined) throw new Error('nothing to claim');
  await store.settle(
    [
      outcome === 'succeeded'
        ? { jobId: claimed.id, token: claimed.lease.token, outcome, result: { sent: 3 } }
        : { jobId: claimed.id, token: claimed.lease.token, outcome, error: { code: 'handler_error', message: 'boom' } },
    ],
    now + 1000,
  );
}

describe('POST /v1/jobs', () => {
  it('enqueues a job: 201 {id, status}', async () => {
    const { app, store } = testServer();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      payload: { name: 'email.send', payload: { to: 'a' } },
    });
    expect(res.statusCode).toBe(201);
    const { id, status } = body(res);
    expect(status).toBe('waiting');
    expect(id).toMatch(/^default:/);
    expect((await store.getJob(id))?.payload).toEqual({ to: 'a' });
  });

  it('answers 200 with the first id for a repeated idempotencyKey, creating nothing', async () => {
    const { app, store } = testServer();
    const job = { name: 'email.send', tenant: 'acme', idempotencyKey: 'order-1' };
    const first = await app.inject({ method: 'POST', url: '/v1/jobs', payload: job });
    const second = await app.inject({ method: 'POST', url: '/v1/jobs', payload: job });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(body(second).id).toBe(body(first).id);
    expect((await store.listJobs({ limit: 10 })).jobs).toHaveLength(1);
  });

  it('creates a delayed job for delayMs', async () => {
    const { app } = testServer();
    const res = await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'later', delayMs: 60_000 } });
    expect(body(res).status).toBe('delayed');
    const job = body(await app.inject({ url: `/v1/jobs/${body(res).id}` }));
    expect(job.runAt).toBe('2026-01-01T00:01:00.000Z');
  });

  it('tells onEnqueued about created jobs', async () => {
    const seen: unknown[] = [];
    const { app } = testServer({ onEnqueued: (results) => seen.push(...results) });
    await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a' } });
    expect(seen).toHaveLength(1);
  });
});

describe('POST /v1/jobs/batch', () => {
  it('enqueues all: 201 {ids}, dependsOn within the batch allowed', async () => {
    const { app, store } = testServer();
    const parent = await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'parent' } });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/jobs/batch',
      payload: { jobs: [{ name: 'a' }, { name: 'b', dependsOn: [body(parent).id] }] },
    });
    expect(res.statusCode).toBe(201);
    const { ids } = body(res);
    expect(ids).toHaveLength(2);
    expect((await store.getJob(ids[1]))?.status).toBe('blocked');
  });
});

describe('POST /v1/jobs/batch limits', () => {
  it('has a body limit of its own (maxBatchBodyBytes), above that of single jobs', async () => {
    const { app, store } = testServer({
      limits: { maxPayloadBytes: 100, maxBodyBytes: 1000, maxBatchBodyBytes: 3000 },
    });
    const jobs = Array.from({ length: 20 }, (_, i) => ({ name: `job-${i}`, payload: 'x'.repeat(50) }));
    const ok = await app.inject({ method: 'POST', url: '/v1/jobs/batch', payload: { jobs } });
    expect(ok.statusCode).toBe(201);
    const tooBig = await app.inject({ method: 'POST', url: '/v1/jobs/batch', payload: { jobs: [...jobs, ...jobs] } });
    expect(tooBig.statusCode).toBe(413);
    expect(errorOf(tooBig)).toEqual({
      code: 'payload_too_large',
      message: 'body: larger than the 3000 bytes this route accepts',
    });
    expect((await store.listJobs({ limit: 100 })).jobs).toHaveLength(20);
  });
});

describe('GET /v1/jobs/:id', () => {
  it('shows the job with ISO-8601 times and its result', async () => {
    const { app, store, clock } = testServer();
    const { id } = body(await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a', tags: ['x'] } }));
    await finish(store, clock.now(), 'succeeded');
    const res = await app.inject({ url: `/v1/jobs/${id}` });
    expect(res.statusCode).toBe(200);
    const job = body(res);
    expect(job).toMatchObject({
      id,
      name: 'a',
      tenant: 'default',
      status: 'succeeded',
      attempt: 1,
      result: { sent: 3 },
      tags: ['x'],
      createdAt: START,
      startedAt: START,
      finishedAt: '2026-01-01T00:00:01.000Z',
    });
    expect(job.error).toBeUndefined();
  });

  it('shows a failed job with error {code, message}', async () => {
    const { app, store, clock } = testServer();
    const { id } = body(await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a' } }));
    await finish(store, clock.now(), 'failed');
    const job = body(await app.inject({ url: `/v1/jobs/${id}` }));
    expect(job.status).toBe('failed');
    expect(job.error).toEqual({ code: 'handler_error', message: 'boom' });
  });

  it('shows an active job with its lease, without the token', async () => {
    const { app, store, clock } = testServer();
    const { id } = body(await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a' } }));
    await store.claim({ workerId: 'w1', limit: 1, leaseMs: 30_000, now: clock.now() });
    const job = body(await app.inject({ url: `/v1/jobs/${id}` }));
    expect(job.lease).toEqual({ workerId: 'w1', expiresAt: '2026-01-01T00:00:30.000Z' });
  });

  it('answers 404 not_found for an unknown job', async () => {
    const { app } = testServer();
    const res = await app.inject({ url: '/v1/jobs/default:nope' });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res).code).toBe('not_found');
  });
});

describe('GET /v1/jobs', () => {
  it('lists newest first with filters and a cursor', async () => {
    const { app, clock } = testServer();
    for (let i = 0; i < 3; i++) {
      await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a', tenant: 'acme', tags: ['t'] } });
      await clock.advance(1);
    }
    await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'b' } });
    const first = body(await app.inject({ url: '/v1/jobs?tenant=acme&status=waiting&name=a&tag=t&limit=2' }));
    expect(first.jobs).toHaveLength(2);
    expect(typeof first.nextCursor).toBe('string');
    const second = body(
      await app.inject({ url: `/v1/jobs?tenant=acme&limit=2&cursor=${encodeURIComponent(first.nextCursor)}` }),
    );
    expect(second.jobs).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const all = body(await app.inject({ url: '/v1/jobs' }));
    expect(all.jobs.map((j: { name: string }) => j.name)).toEqual(['b', 'a', 'a', 'a']);
  });

  it('leaves payload and result out unless ?include= asks for them; the job itself is always whole', async () => {
    const { app, store, clock } = testServer();
    const { id } = body(
      await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a', payload: { to: 'x' } } }),
    );
    await finish(store, clock.now(), 'succeeded');
    const listed = async (query: string): Promise<Record<string, unknown>> => {
      const res = await app.inject({ url: `/v1/jobs${query}` });
      expect(res.statusCode).toBe(200);
      const [job] = body(res).jobs;
      expect(job.id).toBe(id);
      return job;
    };
    const plain = await listed('');
    expect(plain).toMatchObject({ id, status: 'succeeded', name: 'a' });
    expect(Object.keys(plain)).not.toContain('payload');
    expect(Object.keys(plain)).not.toContain('result');
    const withPayload = await listed('?include=payload');
    expect(withPayload.payload).toEqual({ to: 'x' });
    expect(Object.keys(withPayload)).not.toContain('result');
    const withResult = await listed('?include=result');
    expect(withResult.result).toEqual({ sent: 3 });
    expect(Object.keys(withResult)).not.toContain('payload');
    expect(await listed('?include=payload,result')).toMatchObject({ payload: { to: 'x' }, result: { sent: 3 } });
    expect(await listed('?include=result,payload')).toMatchObject({ payload: { to: 'x' }, result: { sent: 3 } });
    expect(body(await app.inject({ url: `/v1/jobs/${id}` }))).toMatchObject({
      payload: { to: 'x' },
      result: { sent: 3 },
    });
  });

  it('keeps error in a list: it is what a list of failed jobs is for', async () => {
    const { app, store, clock } = testServer();
    await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a', payload: { big: 'x'.repeat(1000) } } });
    await finish(store, clock.now(), 'failed');
    const [job] = body(await app.inject({ url: '/v1/jobs?status=failed' })).jobs;
    expect(job.error).toEqual({ code: 'handler_error', message: 'boom' });
    expect(Object.keys(job)).not.toContain('payload');
  });
});

describe('DELETE /v1/jobs/:id', () => {
  it('cancels a waiting job', async () => {
    const { app } = testServer();
    const { id } = body(await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a' } }));
    const res = await app.inject({ method: 'DELETE', url: `/v1/jobs/${id}` });
    expect(res.statusCode).toBe(200);
    expect(body(res).status).toBe('canceled');
  });

  it('answers 409 conflict for a finished job', async () => {
    const { app, store, clock } = testServer();
    const { id } = body(await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a' } }));
    await finish(store, clock.now(), 'succeeded');
    const res = await app.inject({ method: 'DELETE', url: `/v1/jobs/${id}` });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).code).toBe('conflict');
    expect((await store.getJob(id))?.status).toBe('succeeded');
  });

  it('answers 404 for an unknown job', async () => {
    const { app } = testServer();
    const res = await app.inject({ method: 'DELETE', url: '/v1/jobs/default:nope' });
    expect(res.statusCode).toBe(404);
  });
});

describe('POST /v1/jobs/:id/retry', () => {
  it('turns a failed job back into waiting', async () => {
    const { app, store, clock } = testServer();
    const { id } = body(await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a' } }));
    await finish(store, clock.now(), 'failed');
    const res = await app.inject({ method: 'POST', url: `/v1/jobs/${id}/retry` });
    expect(res.statusCode).toBe(200);
    expect(body(res)).toMatchObject({ id, status: 'waiting', attempt: 0 });
  });

  it('accepts an empty JSON body', async () => {
    const { app, store, clock } = testServer();
    const { id } = body(await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a' } }));
    await finish(store, clock.now(), 'failed');
    const res = await app.inject({
      method: 'POST',
      url: `/v1/jobs/${id}/retry`,
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(res.statusCode).toBe(200);
  });

  it('answers 409 conflict for a job that has not failed', async () => {
    const { app, store } = testServer();
    const { id } = body(await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a' } }));
    const res = await app.inject({ method: 'POST', url: `/v1/jobs/${id}/retry` });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).code).toBe('conflict');
    expect((await store.getJob(id))?.status).toBe('waiting');
  });
});
