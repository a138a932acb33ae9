import type { Fence, RetentionPolicy } from '@cadenza/core';
import { checkInstant, checkRetentionPolicy } from '@cadenza/core/store-kit';
import type { RedisContext } from '../context.js';
import { tenantsKey } from '../keys.js';
import { retentionAnswer } from './answers.js';
import { checkFence } from './fence.js';
import { runPipeline } from './store-errors.js';
import { runTenantScripts } from './tenant-scripts.js';
import { fencedTenants } from './upkeep-tenants.js';

/** Rounds of scripts one call may send; a tenant with more left is served at the next tick. */
const MAX_ROUNDS = 10;

/**
 * Deletes finished jobs beyond the policy, tenant by tenant (lua/retention.lua), one
 * script per tenant, pipelined; each deletes at most a bounded batch, and tenants with
 * more are called again (at most MAX_ROUNDS rounds per call). `Infinity` (or a count too
 * large to index) is passed as '' for "no limit". Tenants the scripts find empty leave the
 * tenant set (leaveTenants), which runs even when the policy deletes nothing.
 */
export async function applyRetention(
  ctx: RedisContext,
  fence: Fence,
  policy: RetentionPolicy,
  now: number,
): Promise<number> {
  checkRetentionPolicy(policy);
  checkInstant('now', now);
  const tenants = await fencedTenants(ctx, fence);
  // The memory store ranks by finishedAt and keeps ranks below maxCount: a fractional
  // count keeps ranks up to its ceiling.
  const maxCount = policy.maxCount >= Number.MAX_SAFE_INTEGER ? '' : String(Math.ceil(policy.maxCount));
  // Too old: now - finishedAt > maxAgeMs, i.e. finishedAt < now - maxAgeMs.
  const cutoff = Number.isFinite(policy.maxAgeMs) ? String(now - policy.maxAgeMs) : '';
  let pending = tenants;
  const left: string[] = [];
  let deleted = 0;
  // Each script deletes a bounded batch and says whether it stopped at the bound.
  for (let round = 0; pending.length > 0 && round < MAX_ROUNDS; round++) {
    if (round > 0) await checkFence(ctx, fence);
    const calls = pending.map((tenant) => ({
      tenant,
      script: 'retention',
      args: [fence.epoch, maxCount, cutoff, now],
    }));
    const answers = (await runTenantScripts(ctx, calls, { epoch: fence.epoch })).map(retentionAnswer);
    deleted += answers.reduce((sum, answer) => sum + answer.deleted, 0);
    pending.forEach((tenant, i) => {
      if (answers[i]?.emptied === true) left.push(tenant);
    });
    pending = pending.filter((_, i) => answers[i]?.more === true);
  }
  await leaveTenants(ctx, left);
  return deleted;
}

/**
 * Takes tenants that were left with nothing out of the tenant set, then reads their
 * 'live' mark again and puts back any that a script marked meanwhile (a job or schedule
 * written since). A script that marks one after this read has its caller add the tenant
 * after its script (runTenantScripts), which is after this removal: either way a tenant
 * with work stays in the set. (One gap remains: a writer that dies between its script and
 * that add, while this removal ran in between; the tenant's waiting jobs are still in the
 * ready index and run, and its next write adds it back.)
 */
async function leaveTenants(ctx: RedisContext, tenants: readonly string[]): Promise<void> {
  if (tenants.length === 0) return;
  const pipeline = ctx.pipeline();
  pipeline.srem(tenantsKey(ctx.prefix), ...tenants);
  for (const tenant of tenants) pipeline.hget(ctx.keysOf(tenant).counts, 'live');
  const replies = await runPipeline(pipeline);
  const back = tenants.filter((_, i) => replies[i + 1] !== null);
  for (const tenant of tenants) ctx.registered.delete(tenant);
  if (back.length > 0) await ctx.redis.sadd(tenantsKey(ctx.prefix), ...back);
}
