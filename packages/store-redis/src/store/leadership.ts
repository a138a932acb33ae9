import { checkDuration, checkInstant, checkText, type Fence, type Leadership } from '@cadenza/core';
import type { RedisContext } from '../context.js';
import { leaderKey } from '../keys.js';

/*
 * The coordinator lease: one hash at `P:leader` (node, epoch, expiresAt), read by every
 * fenced write (fence.ts). Semantics are the memory store's LeaderLease: epochs only grow,
 * a release empties `node` and keeps `epoch`, and an expired lease stays in the hash (no
 * Redis TTL) because its holder may keep writing until another node takes over.
 */

export async function acquireLeadership(
  ctx: RedisContext,
  nodeId: string,
  ttlMs: number,
  now: number,
): Promise<Leadership | undefined> {
  checkText('nodeId', nodeId);
  checkDuration('ttlMs', ttlMs);
  checkInstant('now', now);
  const reply = await ctx.scripts.call(
    ctx.redis,
    'leadership-acquire',
    [leaderKey(ctx.prefix)],
    [nodeId, now, now + ttlMs],
  );
  return leadershipOf(reply);
}

export async function renewLeadership(
  ctx: RedisContext,
  fence: Fence,
  ttlMs: number,
  now: number,
): Promise<Leadership | undefined> {
  checkDuration('ttlMs', ttlMs);
  checkInstant('now', now);
  const reply = await ctx.scripts.call(
    ctx.redis,
    'leadership-renew',
    [leaderKey(ctx.prefix)],
    [fence.nodeId, fence.epoch, now, now + ttlMs],
  );
  return leadershipOf(reply);
}

export async function releaseLeadership(ctx: RedisContext, fence: Fence): Promise<void> {
  await ctx.scripts.call(ctx.redis, 'leadership-release', [leaderKey(ctx.prefix)], [fence.nodeId, fence.epoch]);
}

export async function getLeadership(ctx: RedisContext, now: number): Promise<Leadership | undefined> {
  checkInstant('now', now);
  const [node, epoch, expiresAt] = await ctx.redis.hmget(leaderKey(ctx.prefix), 'node', 'epoch', 'expiresAt');
  if (node === null || node === undefined || node === '' || epoch == null || expiresAt == null) return undefined;
  const lease = { nodeId: node, epoch: Number(epoch), expiresAt: Number(expiresAt) };
  return lease.expiresAt > now ? lease : undefined;
}

/** A script's `{ node, epoch, expiresAt }` (empty when refused). */
function leadershipOf(reply: unknown): Leadership | undefined {
  const [node, epoch, expiresAt] = reply as string[];
  if (node === undefined) return undefined;
  return { nodeId: node, epoch: Number(epoch), expiresAt: Number(expiresAt) };
}
