import type { Fence } from '@cadenza/core';
import { checkCount, checkInstant } from '@cadenza/core/store-kit';
import type { RedisContext } from '../context.js';
import { promoteAnswer } from './answers.js';
import { runTenantScripts } from './tenant-scripts.js';
import { earliestDue, fencedTenants } from './upkeep-tenants.js';

/**
 * Moves delayed jobs whose runAt has come to `waiting`, the earliest runAt first across
 * tenants, at most `limit`: the due ids are picked from every tenant's `d` in one round
 * trip, then one `promote` script per tenant (pipelined) moves exactly those.
 */
export async function promoteDelayed(ctx: RedisContext, fence: Fence, now: number, limit: number): Promise<number> {
  checkInstant('now', now);
  checkCount('limit', limit);
  const tenants = await fencedTenants(ctx, fence);
  const { byTenant } = await earliestDue(ctx, tenants, (keys) => keys.delayed, now, limit);
  const calls = [...byTenant].map(([tenant, ids]) => ({ tenant, script: 'promote', args: [fence.epoch, now, ...ids] }));
  const answers = await runTenantScripts(ctx, calls, { epoch: fence.epoch });
  return answers.reduce((sum, answer) => sum + promoteAnswer(answer).promoted, 0);
}
