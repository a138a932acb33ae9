import type { Clock, Leadership } from '@cadenza/core';
import type { NodeInfo } from '../context.js';

/** The leader as `/v1/cluster` and a coordinator's `/readyz` report it. */
export interface LeaderJson {
  id: string;
  epoch: number;
  expiresAt: string;
  /** When the leader last finished a tick (null before its first). */
  lastTickAt: string | null;
  /** How long ago that was, in ms, by this node's clock (null before its first tick). */
  lastTickAgoMs: number | null;
}

/**
 * The store's leader, with its last tick: from the store when it keeps it (Redis), else
 * from this process's own coordinator when that is the leader (single-node stores).
 */
export function leaderJson(
  leadership: Leadership | undefined,
  clock: Clock,
  node: NodeInfo | undefined,
): LeaderJson | null {
  if (leadership === undefined) return null;
  let tickedAt = leadership.lastTickAt;
  if (tickedAt === undefined && node?.coordinator !== undefined && node.id === leadership.nodeId) {
    const local = node.coordinator().lastTickAt;
    if (typeof local === 'string') tickedAt = Date.parse(local);
  }
  return {
    id: leadership.nodeId,
    epoch: leadership.epoch,
    expiresAt: new Date(leadership.expiresAt).toISOString(),
    lastTickAt: tickedAt === undefined ? null : new Date(tickedAt).toISOString(),
    lastTickAgoMs: tickedAt === undefined ? null : Math.max(0, clock.now() - tickedAt),
  };
}
