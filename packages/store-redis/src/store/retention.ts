import { checkInstant, checkRetentionPolicy, type Fence, type RetentionPolicy } from '@cadenza/core';
import type { RedisContext } from '../context.js';
import { runTenantScripts } from './tenant-scripts.js';
import { fencedTenants } from './upkeep-tenants.js';

/**
 * Deletes finished jobs beyond the policy, tenant by tenant (lua/retention.lua), one
 * script per tenant, pipelined. `Infinity` (or a count too large to index) is passed as
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
  const calls = tenants.map((tenant) => ({ tenant, script: 'retention', args: [fence.epoch, maxCount, cutoff, now] }));
  const answers = await runTenantScripts(ctx, calls, { epoch: fence.epoch });
  return answers.reduce((sum, answer) => sum + Number(answer[0]), 0);
}
