import { type Fence, type Leadership, StaleEpochError } from '@cadenza/core';
import type { Ctx } from './context.js';

/*
 * The leader lease and its fencing epoch: one row, `leader(id = 1, node_id, epoch,
 * expires_at)`, read and written inside the operation's IMMEDIATE transaction, so that
 * two processes on one file take turns and cannot both see the lease free.
 *
 * - acquire: a free or expired lease goes to the caller with epoch + 1 (the column keeps
 *   the highest epoch ever given, through releases: epochs only grow). The holder asking
 *   again before expiry renews it with the same epoch. Another holder's live lease: none.
 * - renew: only by the holder's exact fence, and only before expiry.
 * - release: the holder's fence clears node_id; the epoch stays.
 * - check (fenced writes): passes while the fence is the latest holder's, even past expiry,
 *   until another node acquires or the holder releases.
 */

interface LeaderRow {
  node_id: string | null;
  epoch: number;
  expires_at: number | null;
}

function row(ctx: Ctx): LeaderRow {
  return (
    (ctx.sql('SELECT node_id, epoch, expires_at FROM leader WHERE id = 1').get() as LeaderRow | undefined) ?? {
      node_id: null,
      epoch: 0,
      expires_at: null,
    }
  );
}

function write(ctx: Ctx, nodeId: string | null, epoch: number, expiresAt: number | null): void {
  ctx
    .sql(
      `INSERT INTO leader (id, node_id, epoch, expires_at) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET node_id = excluded.node_id, epoch = excluded.epoch, expires_at = excluded.expires_at`,
    )
    .run(nodeId, epoch, expiresAt);
}

function holder(r: LeaderRow): Leadership | undefined {
  return r.node_id === null || r.expires_at === null
    ? undefined
    : { nodeId: r.node_id, epoch: r.epoch, expiresAt: r.expires_at };
}

function holds(r: LeaderRow, fence: Fence): boolean {
  return r.node_id !== null && r.node_id === fence.nodeId && r.epoch === fence.epoch;
}

export function acquireLeadership(ctx: Ctx, nodeId: string, ttlMs: number, now: number): Leadership | undefined {
  const r = row(ctx);
  const held = holder(r);
  if (held !== undefined && held.expiresAt > now) {
    if (held.nodeId !== nodeId) return undefined;
    write(ctx, nodeId, r.epoch, now + ttlMs);
    return { nodeId, epoch: r.epoch, expiresAt: now + ttlMs };
  }
  const epoch = r.epoch + 1;
  write(ctx, nodeId, epoch, now + ttlMs);
  return { nodeId, epoch, expiresAt: now + ttlMs };
}

export function renewLeadership(ctx: Ctx, fence: Fence, ttlMs: number, now: number): Leadership | undefined {
  const r = row(ctx);
  if (!holds(r, fence) || r.expires_at === null || r.expires_at <= now) return undefined;
  write(ctx, fence.nodeId, r.epoch, now + ttlMs);
  return { nodeId: fence.nodeId, epoch: r.epoch, expiresAt: now + ttlMs };
}

export function releaseLeadership(ctx: Ctx, fence: Fence): void {
  const r = row(ctx);
  if (holds(r, fence)) write(ctx, null, r.epoch, null);
}

export function currentLeadership(ctx: Ctx, now: number): Leadership | undefined {
  const held = holder(row(ctx));
  return held !== undefined && held.expiresAt > now ? held : undefined;
}

/** Throws `StaleEpochError` unless `fence` is the current holder's. */
export function checkFence(ctx: Ctx, fence: Fence): void {
  const r = row(ctx);
  if (typeof fence !== 'object' || fence === null || !holds(r, fence)) {
    throw new StaleEpochError(Number((fence as Fence | null)?.epoch), r.node_id === null ? undefined : r.epoch);
  }
}
