import { allJobs } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import { body, errorOf, testServer } from './server.test-helpers.js';

const daily = { name: 'report.daily', cron: '0 9 * * *', tz: 'Europe/Paris', payload: { kind: 'daily' } };

describe('PUT /v1/schedules/:id', () => {
  it('creates (201) then replaces (200), answering the schedule with nextFireAt', async () => {
    const { app } = testServer();
    const created = await app.inject({ method: 'PUT', url: '/v1/schedules/daily', payload: daily });
    expect(created.statusCode).toBe(201);
    expect(body(created)).toMatchObject({
      id: 'daily',
      tenant: 'default',
      name: 'report.daily',
      cron: '0 9 * * *',
      tz: 'Europe/Paris',
      payload: { kind: 'daily' },
      priority: 5,
      paused: false,
      runCount: 0,
      nextFireAt: '2026-01-01T08:00:00.000Z',
    });
    expect(body(created).lastFireAt).toBeUndefined();
    const replaced = await app.inject({
      method: 'PUT',
      url: '/v1/schedules/daily',
      payload: { ...daily, priority: 7 },
    });
    expect(replaced.statusCode).toBe(200);
    expect(body(replaced).priority).toBe(7);
  });

  it('shows every, startAt, at and manual triggers in the shape they were given', async () => {
    const { app } = testServer();
    const every = await app.inject({
      method: 'PUT',
      url: '/v1/schedules/tick',
      payload: { name: 'tick', every: 60_000, startAt: '2026-01-01T00:00:30Z' },
    });
    expect(body(every)).toMatchObject({ every: 60_000, startAt: '2026-01-01T00:00:30.000Z' });
    const at = await app.inject({
      method: 'PUT',
      url: '/v1/schedules/once',
      payload: { name: 'once', at: '2026-02-01T00:00:00Z' },
    });
    expect(body(at)).toMatchObject({ at: '2026-02-01T00:00:00.000Z', nextFireAt: '2026-02-01T00:00:00.000Z' });
    const manual = await app.inject({
      method: 'PUT',
      url: '/v1/schedules/by-hand',
      payload: { name: 'x', manual: true },
    });
    expect(body(manual)).toMatchObject({ manual: true });
    expect(body(manual).nextFireAt).toBeUndefined();
  });

  it('takes the tenant from ?tenant= and refuses a body that names another', async () => {
    const { app, store } = testServer();
    const res = await app.inject({ method: 'PUT', url: '/v1/schedules/daily?tenant=acme', payload: daily });
    expect(body(res).tenant).toBe('acme');
    const clash = await app.inject({
      method: 'PUT',
      url: '/v1/schedules/other?tenant=acme',
      payload: { ...daily, tenant: 'globex' },
    });
    expect(clash.statusCode).toBe(400);
    expect(errorOf(clash).message).toMatch(/^tenant: /);
    expect((await store.listSchedules({ limit: 10 })).schedules).toHaveLength(1);
  });
});

describe('GET /v1/schedules and /v1/schedules/:id', () => {
  it('lists a tenant’s schedules and reads one', async () => {
    const { app } = testServer();
    await app.inject({ method: 'PUT', url: '/v1/schedules/a?tenant=acme', payload: daily });
    await app.inject({ method: 'PUT', url: '/v1/schedules/b?tenant=acme', payload: daily });
    await app.inject({ method: 'PUT', url: '/v1/schedules/c', payload: daily });
    const list = body(await app.inject({ url: '/v1/schedules?tenant=acme' }));
    expect(list.schedules.map((s: { id: string }) => s.id)).toEqual(['a', 'b']);
    expect(list.nextCursor).toBeNull();
    const paged = body(await app.inject({ url: '/v1/schedules?tenant=acme&limit=1' }));
    expect(paged.schedules).toHaveLength(1);
    const rest = body(await app.inject({ url: `/v1/schedules?tenant=acme&limit=1&cursor=${paged.nextCursor}` }));
    expect(rest.schedules.map((s: { id: string }) => s.id)).toEqual(['b']);
    const defaults = body(await app.inject({ url: '/v1/schedules' }));
    expect(defaults.schedules.map((s: { id: string }) => s.id)).toEqual(['c']);

    const one = await app.inject({ url: '/v1/schedules/a?tenant=acme' });
    expect(one.statusCode).toBe(200);
    expect(body(one).id).toBe('a');
  });

  it('answers 404 for a schedule of another tenant or none', async () => {
    const { app } = testServer();
    await app.inject({ method: 'PUT', url: '/v1/schedules/a?tenant=acme', payload: daily });
    const res = await app.inject({ url: '/v1/schedules/a' });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res).code).toBe('not_found');
  });
});

describe('DELETE /v1/schedules/:id', () => {
  it('deletes, then answers 404', async () => {
    const { app, store } = testServer();
    await app.inject({ method: 'PUT', url: '/v1/schedules/a', payload: daily });
    const res = await app.inject({ method: 'DELETE', url: '/v1/schedules/a' });
    expect(res.statusCode).toBe(200);
    expect(await store.getSchedule('default', 'a')).toBeUndefined();
    const again = await app.inject({ method: 'DELETE', url: '/v1/schedules/a' });
    expect(again.statusCode).toBe(404);
  });
});

describe('POST /v1/schedules/:id/{trigger|pause|resume}', () => {
  it('trigger fires one job now (201, the job)', async () => {
    const { app, store } = testServer();
    await app.inject({ method: 'PUT', url: '/v1/schedules/a?tenant=acme', payload: daily });
    const res = await app.inject({ method: 'POST', url: '/v1/schedules/a/trigger?tenant=acme' });
    expect(res.statusCode).toBe(201);
    expect(body(res)).toMatchObject({
      name: 'report.daily',
      tenant: 'acme',
      scheduleId: 'a',
      scheduledFor: '2026-01-01T00:00:00.000Z',
      status: 'waiting',
    });
    expect(await allJobs(store)).toHaveLength(1);
  });

  it('pause and resume', async () => {
    const { app } = testServer();
    await app.inject({ method: 'PUT', url: '/v1/schedules/a', payload: daily });
    const paused = await app.inject({ method: 'POST', url: '/v1/schedules/a/pause' });
    expect(paused.statusCode).toBe(200);
    expect(body(paused).paused).toBe(true);
    const resumed = await app.inject({ method: 'POST', url: '/v1/schedules/a/resume' });
    expect(body(resumed)).toMatchObject({ paused: false, nextFireAt: '2026-01-01T08:00:00.000Z' });
  });

  it('answers 404 for an unknown schedule', async () => {
    const { app, store } = testServer();
    for (const action of ['trigger', 'pause', 'resume']) {
      const res = await app.inject({ method: 'POST', url: `/v1/schedules/nope/${action}` });
      expect(res.statusCode).toBe(404);
      expect(errorOf(res).code).toBe('not_found');
    }
    expect(await allJobs(store)).toHaveLength(0);
  });
});

describe('lastJobId', () => {
  it('is null before the first fire, then the job of the latest fire, on every route that answers a schedule', async () => {
    const { app, clock } = testServer();
    const put = await app.inject({ method: 'PUT', url: '/v1/schedules/a', payload: { name: 'a', manual: true } });
    expect(body(put).lastJobId).toBeNull();
    const first = body(await app.inject({ method: 'POST', url: '/v1/schedules/a/trigger' }));
    await clock.advance(1000);
    const second = body(await app.inject({ method: 'POST', url: '/v1/schedules/a/trigger' }));
    expect(second.id).not.toBe(first.id);
    expect(body(await app.inject({ url: '/v1/schedules/a' })).lastJobId).toBe(second.id);
    expect(body(await app.inject({ url: '/v1/schedules' })).schedules[0].lastJobId).toBe(second.id);
    expect(body(await app.inject({ method: 'POST', url: '/v1/schedules/a/pause' })).lastJobId).toBe(second.id);
    const replaced = await app.inject({ method: 'PUT', url: '/v1/schedules/a', payload: { name: 'b', manual: true } });
    expect(body(replaced).lastJobId).toBe(second.id);
  });
});
