import {
  JOB_STATUSES,
  type JobStatus,
  type Leadership,
  type NodeReport,
  type QueueDepth,
  type Store,
} from '@cadenza/core';
import { table } from '../table.js';

/** What `cadenza status` read from a store. */
export interface StatusView {
  leader: Leadership | undefined;
  /**
   * Whether the store keeps the leader's ticks (`recordLeaderTick`: Redis and SQLite do). A
   * store used by one process only (the `json:` and `snapshot:` files) may not: there a
   * missing `lastTickAt` says nothing about the leader, and only that process's own
   * `/v1/cluster` knows when it last ticked.
   */
  ticksKept: boolean;
  /** Undefined for a store that keeps no registry of processes (single node). */
  nodes: readonly NodeReport[] | undefined;
  depths: readonly QueueDepth[];
}

/** Reads what `statusText` shows. */
export async function readStatus(store: Store, now: number): Promise<StatusView> {
  const [leader, nodes, depths] = await Promise.all([store.getLeadership(now), store.listNodes?.(now), store.depths()]);
  return { leader, ticksKept: store.recordLeaderTick !== undefined, nodes, depths };
}

/**
 * `cadenza status`: the leader line, then the live processes (coordinators first, then
 * workers and API servers), then job counts by tenant and priority.
 */
export function statusText(now: number, view: StatusView): string {
  return [leaderLine(now, view), nodesText(now, view.leader, view.nodes), depthsTable(view.depths)].join('\n\n');
}

function leaderLine(now: number, { leader, ticksKept }: StatusView): string {
  if (leader === undefined) return 'leader: none';
  const lease = leader.expiresAt > now ? `expires in ${Math.ceil((leader.expiresAt - now) / 1000)}s` : 'expired';
  return `leader: ${leader.nodeId} (epoch ${leader.epoch}, lease ${lease}), ${tickText(now, leader, ticksKept)}`;
}

function tickText(now: number, leader: Leadership, ticksKept: boolean): string {
  if (leader.lastTickAt !== undefined) return `last tick ${ago(now, leader.lastTickAt)}`;
  return ticksKept ? 'no tick yet' : 'last tick not kept by this store (one node: see its /v1/cluster)';
}

const ROLE_ORDER: Record<NodeReport['role'], number> = { coordinator: 0, dev: 1, worker: 2, server: 3 };

function nodesText(now: number, leader: Leadership | undefined, nodes: readonly NodeReport[] | undefined): string {
  if (nodes === undefined) return 'processes: this store keeps no registry (one node: see its /v1/cluster)';
  if (nodes.length === 0) return 'processes: none reporting';
  const sorted = [...nodes].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || (a.id < b.id ? -1 : 1));
  return table(
    ['ROLE', 'ID', 'ACTIVE', 'LEADER', 'LAST SEEN', 'UP'],
    sorted.map((n) => [
      n.role,
      n.id,
      n.active === undefined ? '-' : `${n.active}/${n.concurrency ?? '?'}`,
      n.role === 'coordinator' || n.role === 'dev' ? (leader?.nodeId === n.id ? 'yes' : 'no') : '-',
      ago(now, n.lastSeenAt),
      duration(now - n.startedAt),
    ]),
  );
}

/** Job counts by tenant and priority (highest first), one column per status. */
function depthsTable(depths: readonly QueueDepth[]): string {
  const rows = new Map<string, Map<JobStatus, number>>();
  for (const d of depths) {
    const key = `${d.tenant}\u0000${d.priority}`;
    const row = rows.get(key) ?? new Map<JobStatus, number>();
    row.set(d.status, (row.get(d.status) ?? 0) + d.count);
    rows.set(key, row);
  }
  const sorted = [...rows.entries()].sort(([a], [b]) => {
    const [ta = '', pa = '0'] = a.split('\u0000');
    const [tb = '', pb = '0'] = b.split('\u0000');
    return ta < tb ? -1 : ta > tb ? 1 : Number(pb) - Number(pa);
  });
  return table(
    ['TENANT', 'PRI', ...JOB_STATUSES.map((s) => s.toUpperCase())],
    sorted.map(([key, counts]) => {
      const [tenant = '', priority = ''] = key.split('\u0000');
      return [tenant, priority, ...JOB_STATUSES.map((s) => String(counts.get(s) ?? 0))];
    }),
  );
}

function ago(now: number, at: number): string {
  return `${duration(now - at)} ago`;
}

/** 850ms, 4.2s, 12m, 3h: short enough for a table cell. */
function duration(ms: number): string {
  const d = Math.max(0, ms);
  if (d < 1000) return `${Math.round(d)}ms`;
  if (d < 60_000) return `${(d / 1000).toFixed(1)}s`;
  if (d < 3_600_000) return `${Math.floor(d / 60_000)}m`;
  return `${Math.floor(d / 3_600_000)}h`;
}
