import { createMemoryStore, type NodeReport } from '@cadenza/core';
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
      servers: [],
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
    expect(res).toEqual({ node: null, leader: null, coordinators: [], workers: [], servers: [], queues: [] });
  });

  it('lists every live process from the store registry, this one read live', async () => {
    const at = (ms: number) => Date.parse('2026-01-01T00:00:00.000Z') + ms;
    const reports: NodeReport[] = [
      { id: 'api-1', role: 'server', startedAt: at(-5000), lastSeenAt: at(-100), reportEveryMs: 2000 },
      { id: 'c1', role: 'coordinator', startedAt: at(-9000), lastSeenAt: at(-400), reportEveryMs: 2000, leading: true },
      { id: 'c2', role: 'coordinator', startedAt: at(-9000), lastSeenAt: at(-300), reportEveryMs: 2000 },
      {
        id: 'w1',
        role: 'worker',
        startedAt: at(-8000),
        lastSeenAt: at(-1500),
        reportEveryMs: 2000,
        active: 3,
        concurrency: 10,
      },
    ];
    // A memory store with a registry, as the Redis store keeps one; api-1's own entry is stale.
    const store = Object.assign(createMemoryStore(), { listNodes: async () => reports });
    const { app, clock } = testServer({ store, node: { id: 'api-1', role: 'server', startedAt: at(-5000) } });
    await store.acquireLeadership('c1', 10_000, clock.now());
    const res = body(await app.inject({ url: '/v1/cluster' }));
    expect(res).toMatchObject({
      node: { id: 'api-1', role: 'server' },
      leader: { id: 'c1', epoch: 1 },
      coordinators: [
        { id: 'c1', leader: true, lastSeenAt: '2025-12-31T23:59:59.600Z', startedAt: '2025-12-31T23:59:51.000Z' },
        { id: 'c2', leader: false, lastSeenAt: '2025-12-31T23:59:59.700Z' },
      ],
      workers: [{ id: 'w1', active: 3, concurrency: 10, lastSeenAt: '2025-12-31T23:59:58.500Z' }],
      servers: [{ id: 'api-1', lastSeenAt: '2026-01-01T00:00:00.000Z', startedAt: '2025-12-31T23:59:55.000Z' }],
    });
  });
});
