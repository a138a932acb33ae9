import { checkDuration, type Fence, type Leadership, StaleEpochError } from '@cadenza/core';
import { checkInstant, checkText } from '@cadenza/core/store-kit';
import type { RedisContext } from '../context.js';
import { leaderKey } from '../keys.js';
import type { LockQuorum } from './redlock.js';

/*
 * The coordinator lease: one hash at `P:leader` (node, epoch, expiresAt), read by every
 * fenced write (fence.ts). Semantics are the memory store's LeaderLease: epochs only grow,
 * a release empties `node` and keeps `epoch`, and an expired lease stays in the hash (no
 * Redis TTL) because its holder may keep writing until another node takes over.
 *
 * With lock instances (`locks`, the store's `lockUrls`), a node must first hold the Redlock
 * on a majority of them; only then does it take the lease (and, for a new term, the next
 * epoch by INCR) on the data Redis, and write that epoch into the lock. A renewal must
 * extend the lock on a majority before it extends the lease. Without them the lease
 * script alone decides: a Redlock of one, on the data Redis itself.
 */

export async function acquireLeadership(
  ctx: RedisContext,
  nodeId: string,
  ttlMs: number,
  now: number,
  locks?: LockQuorum,
): Promise<Leadership | undefined> {
  checkText('nodeId', nodeId);
  checkDuration('ttlMs', ttlMs);
  checkInstant('now', now);
  if (locks !== undefined && !(await locks.acquire(nodeId, ttlMs, now))) return undefined;
  let lease: Leadership | undefined;
  try {
    const reply = await ctx.scripts.call(
      ctx.redis,
      'leadership-acquire',
      [leaderKey(ctx.prefix)],
      [nodeId, now, now + ttlMs],
    );
    lease = leadershipOf(reply);
    if (locks === undefined || lease === undefined) return lease;
    // The lock now names the epoch; a majority lost in between means no term.
    if (await locks.renew(nodeId, lease.epoch, ttlMs, now)) return lease;
    await releaseLeadership(ctx, lease, locks);
    return undefined;
  } finally {
    if (locks !== undefined && lease === undefined) await locks.release(nodeId, 0);
  }
}

export async function renewLeadership(
  ctx: RedisContext,
  fence: Fence,
  ttlMs: number,
  now: number,
  locks?: LockQuorum,
): Promise<Leadership | undefined> {
  checkDuration('ttlMs', ttlMs);
  checkInstant('now', now);
  // Lock first: a lease extended without a majority would outlive the lock.
  if (locks !== undefined && !(await locks.renew(fence.nodeId, fence.epoch, ttlMs, now))) return undefined;
  const reply = await ctx.scripts.call(
    ctx.redis,
    'leadership-renew',
    [leaderKey(ctx.prefix)],
    [fence.nodeId, fence.epoch, now, now + ttlMs],
  );
  return leadershipOf(reply);
}

export async function releaseLeadership(ctx: RedisContext, fence: Fence, locks?: LockQuorum): Promise<void> {
  await ctx.scripts.call(ctx.redis, 'leadership-release', [leaderKey(ctx.prefix)], [fence.nodeId, fence.epoch]);
  await locks?.release(fence.nodeId, fence.epoch);
}

/** Notes the end of the leader's tick (fenced): `getLeadership` reports it as `lastTickAt`. */
export async function recordLeaderTick(ctx: RedisContext, fence: Fence, now: number): Promise<void> {
  checkInstant('now', now);
  const noted = await ctx.scripts.call(
    ctx.redis,
    'leadership-ticked',
    [leaderKey(ctx.prefix)],
    [fence.nodeId, fence.epoch, now],
  );
  if (Number(noted) !== 1) throw new StaleEpochError(fence.epoch, undefined);
}

export async function getLeadership(ctx: RedisContext, now: number): Promise<Leadership | undefined> {
  checkInstant('now', now);
  const [node, epoch, expiresAt, tickedAt] = await ctx.redis.hmget(
    leaderKey(ctx.prefix),
    'node',
    'epoch',
    'expiresAt',
    'tickedAt',
  );
  if (node === null || node === undefined || node === '' || epoch == null || expiresAt == null) return undefined;
  const lease: Leadership = { nodeId: node, epoch: Number(epoch), expiresAt: Number(expiresAt) };
  if (tickedAt != null) lease.lastTickAt = Number(tickedAt);
  return lease.expiresAt > now ? lease : undefined;
}

/** A script's `{ node, epoch, expiresAt }` (empty when refused). */
function leadershipOf(reply: unknown): Leadership | undefined {
  const [node, epoch, expiresAt] = reply as string[];
  if (node === undefined) return undefined;
  return { nodeId: node, epoch: Number(epoch), expiresAt: Number(expiresAt) };
}
