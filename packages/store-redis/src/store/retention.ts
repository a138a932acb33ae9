import { checkInstant, checkRetentionPolicy, type Fence, type RetentionPolicy } from '@cadenza/core';
import type { RedisContext } from '../context.js';
import { checkFence } from './fence.js';
import { runTenantScripts } from './tenant-scripts.js';
import { fencedTenants } from './upkeep-tenants.js';

/**
 * Deletes finished jobs beyond the policy, tenant by tenant (lua/retention.lua), one
 * script per tenant, pipelined; each deletes at most a bounded batch, and tenants with
 * more are called again (at most MAX_ROUNDS rounds per call). `Infinity` (or a count too large to index) is passed as
 * '' for "no limit".
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
  if (maxCount === '' && cutoff === '') return 0;
  let pending = tenants;
  let deleted = 0;
  // Each script deletes a bounded batch and says whether it stopped at the bound.
  for (let round = 0; pending.length > 0 && round < MAX_ROUNDS; round++) {
    if (round > 0) await checkFence(ctx, fence);
    const calls = pending.map((tenant) => ({
      tenant,
      script: 'retention',
      args: [fence.epoch, maxCount, cutoff, now],
    }));
    const answers = await runTenantScripts(ctx, calls, { epoch: fence.epoch });
    deleted += answers.reduce((sum, answer) => sum + Number(answer[0]), 0);
    pending = pending.filter((_, i) => Number(answers[i]?.[1]) === 1);
  }
  return deleted;
}

/** Rounds of scripts one call may send; a tenant with more left is served at the next tick. */
const MAX_ROUNDS = 10;
