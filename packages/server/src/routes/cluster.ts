import type { Leadership, NodeReport } from '@cadenza/core';
import type { FastifyInstance } from 'fastify';
import { grantOf } from '../auth/guard.js';
import type { NodeInfo, RouteContext } from '../context.js';
import { checkQuery } from '../query.js';
import { iso, queuesJson } from '../serialize.js';
import { leaderJson } from './leader.js';

/**
 * `GET /v1/cluster`: the leader, the live processes and the queue counts. The leader comes
 * from the store, so every node agrees on it, with its epoch and how long ago it last
 * ticked (a stuck leader shows). Processes come from the store's registry (`listNodes`,
 * which every cluster process reports into) when it keeps one; a single-node store keeps
 * none, and this process, the only one, lists itself. Either way this process's own entry
 * is read live rather than from its last report. Queue counts come from `store.depths()`.
 */
export function registerClusterRoutes(app: FastifyInstance, { store, clock, node }: RouteContext): void {
  app.get('/v1/cluster', async (request) => {
    // Every tenant's counts and every process: for an admin token only.
    grantOf(request).require('admin');
    checkQuery(request.query, []);
    const now = clock.now();
    const [leadership, depths, reports] = await Promise.all([
      store.getLeadership(now),
      store.depths(),
      store.listNodes?.(now),
    ]);
    const entries = [...(reports ?? []).filter((r) => r.id !== node?.id).map(reported(leadership))];
    if (node !== undefined) entries.push(local(node, leadership, iso(now) ?? ''));
    entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return {
      node: node === undefined ? null : { id: node.id, role: node.role },
      leader: leaderJson(leadership, clock, node),
      coordinators: entries.flatMap((e) => (e.coordinator === undefined ? [] : [e.coordinator])),
      workers: entries.flatMap((e) => (e.worker === undefined ? [] : [e.worker])),
      servers: entries.flatMap((e) => (e.server === undefined ? [] : [e.server])),
      queues: queuesJson(depths),
    };
  });
}

/** One process, as the lists of `/v1/cluster` show it (dev is both coordinator and worker). */
interface Entry {
  id: string;
  coordinator?: Record<string, unknown>;
  worker?: Record<string, unknown>;
  server?: Record<string, unknown>;
}

function reported(leadership: Leadership | undefined): (report: NodeReport) => Entry {
  return (r) => {
    const seen = { lastSeenAt: iso(r.lastSeenAt), startedAt: iso(r.startedAt) };
    const entry: Entry = { id: r.id };
    if (r.role === 'coordinator' || r.role === 'dev') {
      entry.coordinator = { id: r.id, leader: leadership?.nodeId === r.id, ...seen };
    }
    if (r.role === 'worker' || r.role === 'dev') {
      entry.worker = { id: r.id, active: r.active ?? 0, concurrency: r.concurrency, ...seen };
    }
    if (r.role === 'server') entry.server = { id: r.id, ...seen };
    return entry;
  };
}

/** This process: what it runs, read now. */
function local(node: NodeInfo, leadership: Leadership | undefined, now: string): Entry {
  const entry: Entry = { id: node.id };
  const seen = { lastSeenAt: now, startedAt: iso(node.startedAt) };
  if (node.coordinator !== undefined) {
    entry.coordinator = { ...node.coordinator(), id: node.id, leader: leadership?.nodeId === node.id, ...seen };
  }
  if (node.worker !== undefined) {
    const { active, concurrency } = node.worker();
    entry.worker = { id: node.id, active, concurrency, ...seen };
  }
  if (node.role === 'server') entry.server = { id: node.id, ...seen };
  return entry;
}
