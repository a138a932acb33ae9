import { type Fence, StaleEpochError } from '@cadenza/core';
import type { RedisContext } from '../context.js';
import { leaderKey } from '../keys.js';

/**
 * The first half of a fenced write: the leader key must still name this fence (node and
 * epoch; expiry does not matter, a leader whose lease ran out may write until another
 * node takes over). The second half is in the tenant's own slot (lua/includes/fence.lua):
 * each tenant refuses an epoch lower than the highest that wrote to it, which closes the
 * window between this check and the write.
 *
 * The leader key is a hash: `node`, `epoch`, `expiresAt`. A release empties `node` and
 * keeps `epoch`, so epochs keep growing.
 */
export async function checkFence(ctx: RedisContext, fence: Fence): Promise<void> {
  const [node, epoch] = await ctx.redis.hmget(leaderKey(ctx.prefix), 'node', 'epoch');
  const current = epoch === null ? undefined : Number(epoch);
  if (node !== fence.nodeId || current !== fence.epoch) throw new StaleEpochError(fence.epoch, current);
}
