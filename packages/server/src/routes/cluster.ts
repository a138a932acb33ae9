import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { checkQuery } from '../query.js';
import { iso, queuesJson } from '../serialize.js';
import { leaderJson } from './leader.js';

/**
 * `GET /v1/cluster`: what this node can see. The leader comes from the store, so every
 * node agrees on it; coordinators and workers list this node only (when it runs one),
 * since a registry of live processes is the cluster store's to keep. Queue counts come
 * from `store.depths()`, by tenant and priority. The leader carries its epoch and how long
 * ago it last ticked, so a stuck leader shows.
 */
export function registerClusterRoutes(app: FastifyInstance, { store, clock, node }: RouteContext): void {
  app.get('/v1/cluster', async (request) => {
    checkQuery(request.query, []);
    const now = clock.now();
    const [leadership, depths] = await Promise.all([store.getLeadership(now), store.depths()]);
    const coordinators =
      node?.coordinator === undefined
        ? []
        : [{ ...node.coordinator(), id: node.id, leader: leadership?.nodeId === node.id, lastSeenAt: iso(now) }];
    const workers =
      node?.worker === undefined ? [] : [{ id: node.id, active: node.worker().active, lastSeenAt: iso(now) }];
    return {
      node: node === undefined ? null : { id: node.id, role: node.role },
      leader: leaderJson(leadership, clock, node),
      coordinators,
      workers,
      queues: queuesJson(depths),
    };
  });
}
