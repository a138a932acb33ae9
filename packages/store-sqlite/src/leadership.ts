import { type Fence, type Leadership, StaleEpochError } from '@cadenza/core';
import type { Ctx } from './context.js';

/*
 * The leader lease and its fencing epoch: one row, `leader(id = 1, node_id, epoch,
 * expires_at, ticked_at)`, read and written inside the operation's IMMEDIATE transaction,
 * so that two processes on one file take turns and cannot both see the lease free.
 *
 * - acquire: a free or expired lease goes to the caller with epoch + 1 (the column keeps
 *   the highest epoch ever given, through releases: epochs only grow). The holder asking
 *   again before expiry renews it with the same epoch. Another holder's live lease: none.
 * - renew: only by the holder's exact fence, and only before expiry.
 * - release: the holder's fence clears node_id; the epoch stays.
 * - check (fenced writes): passes while the fence is the latest holder's, even past expiry,
 *   until another node acquires or the holder releases.
 * - tick (`recordLeaderTick`, schema version 6): a fenced write of `ticked_at`, reported as
 *   the lease's `lastTickAt`, so that `cadenza status` in another process can say when the
 *   leader last worked. It belongs to the term: a new epoch clears it, a renewal keeps it.
 */

interface LeaderRow {
  node_id: string | null;
  epoch: number;
  expires_at: number | null;
  ticked_at: number | null;
}

function row(ctx: Ctx): LeaderRow {
  return (
    (ctx.sql('SELECT node_id, epoch, expires_at, ticked_at FROM leader WHERE id = 1').get() as
      | LeaderRow
      | undefined) ?? {
      node_id: null,
      epoch: 0,
      expires_at: null,
      ticked_at: null,
    }
  );
}

/** Writes the whole row; `tickedAt` is the term's last tick (null for a new term or none). */
function write(
  ctx: Ctx,
  nodeId: string | null,
  epoch: number,
  expiresAt: number | null,
  tickedAt: number | null,
): void {
  ctx
    .sql(
      `INSERT INTO leader (id, node_id, epoch, expires_at, ticked_at) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET node_id = excluded.node_id, epoch = excluded.epoch,
         expires_at = excluded.expires_at, ticked_at = excluded.ticked_at`,
    )
    .run(nodeId, epoch, expiresAt, tickedAt);
}

/** The lease as stored, with its last tick when the term has recorded one. */
function holder(r: LeaderRow): Leadership | undefined {
  if (r.node_id === null || r.expires_at === null) return undefined;
  const lease: Leadership = { nodeId: r.node_id, epoch: r.epoch, expiresAt: r.expires_at };
  if (r.ticked_at !== null) lease.lastTickAt = r.ticked_at;
  return lease;
}

function holds(r: LeaderRow, fence: Fence): boolean {
  return r.node_id !== null && r.node_id === fence.nodeId && r.epoch === fence.epoch;
}

export function acquireLeadership(ctx: Ctx, nodeId: string, ttlMs: number, now: number): Leadership | undefined {
  const r = row(ctx);
  const held = holder(r);
  if (held !== undefined && held.expiresAt > now) {
    if (held.nodeId !== nodeId) return undefined;
    write(ctx, nodeId, r.epoch, now + ttlMs, r.ticked_at);
    return { nodeId, epoch: r.epoch, expiresAt: now + ttlMs };
  }
  // A new term: the last one's tick says nothing about this one.
  const epoch = r.epoch + 1;
  write(ctx, nodeId, epoch, now + ttlMs, null);
  return { nodeId, epoch, expiresAt: now + ttlMs };
}

export function renewLeadership(ctx: Ctx, fence: Fence, ttlMs: number, now: number): Leadership | undefined {
  const r = row(ctx);
  if (!holds(r, fence) || r.expires_at === null || r.expires_at <= now) return undefined;
  write(ctx, fence.nodeId, r.epoch, now + ttlMs, r.ticked_at);
  return { nodeId: fence.nodeId, epoch: r.epoch, expiresAt: now + ttlMs };
}

export function releaseLeadership(ctx: Ctx, fence: Fence): void {
  const r = row(ctx);
  if (holds(r, fence)) write(ctx, null, r.epoch, null, null);
}

/** Notes that the leader `fence` finished a tick at `now`; `StaleEpochError` unless it leads. */
export function recordLeaderTick(ctx: Ctx, fence: Fence, now: number): void {
  checkFence(ctx, fence);
  ctx.sql('UPDATE leader SET ticked_at = ? WHERE id = 1').run(now);
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
