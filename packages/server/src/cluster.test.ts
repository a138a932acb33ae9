import { describe, expect, it } from 'vitest';
import { body, testServer } from './server.test-helpers.js';

describe('GET /v1/cluster', () => {
  it('reports the leader, this node as coordinator and worker, and queue counts', async () => {
    const { app, store, clock } = testServer({
      node: { id: 'node-1', role: 'dev', worker: () => ({ active: 2 }), coordinator: () => ({ ticks: 4 }) },
    });
    await store.acquireLeadership('node-1', 10_000, clock.now());
    await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a', tenant: 'acme', priority: 7 } });
    await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a', tenant: 'acme', priority: 7 } });
    await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a', delayMs: 1000 } });
    const res = await app.inject({ url: '/v1/cluster' });
    expect(res.statusCode).toBe(200);
    expect(body(res)).toEqual({
      node: { id: 'node-1', role: 'dev' },
      leader: { id: 'node-1', epoch: 1, expiresAt: '2026-01-01T00:00:10.000Z', lastTickAt: null, lastTickAgoMs: null },
      coordinators: [{ id: 'node-1', leader: true, ticks: 4, lastSeenAt: '2026-01-01T00:00:00.000Z' }],
      workers: [{ id: 'node-1', active: 2, lastSeenAt: '2026-01-01T00:00:00.000Z' }],
      queues: [
        { tenant: 'acme', priority: 7, counts: { waiting: 2 } },
        { tenant: 'default', priority: 5, counts: { delayed: 1 } },
      ],
    });
  });

  it('reports how long ago the leader last ticked, from its own coordinator when the store keeps no record', async () => {
    const { app, store, clock } = testServer({
      node: { id: 'node-1', role: 'dev', coordinator: () => ({ lastTickAt: '2026-01-01T00:00:00.000Z' }) },
    });
    await store.acquireLeadership('node-1', 10_000, clock.now());
    await clock.advance(1500);
    const leader = { id: 'node-1', epoch: 1, lastTickAt: '2026-01-01T00:00:00.000Z', lastTickAgoMs: 1500 };
    expect(body(await app.inject({ url: '/v1/cluster' }))).toMatchObject({ leader });
    // A coordinator's /readyz tells the same, and whether this process leads.
    expect(body(await app.inject({ url: '/readyz' }))).toMatchObject({ status: 'ready', leading: true, leader });
  });

  it('reports no leader and no processes for a bare API node', async () => {
    const { app } = testServer();
    const res = body(await app.inject({ url: '/v1/cluster' }));
    expect(res).toEqual({ node: null, leader: null, coordinators: [], workers: [], queues: [] });
  });
});
