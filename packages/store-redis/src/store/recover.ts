import type { Fence, RecoveryResult } from '@cadenza/core';
import { checkCount, checkInstant } from '@cadenza/core/store-kit';
import type { RedisContext } from '../context.js';
import { globalId } from '../keys.js';
import { recoverAnswer } from './answers.js';
import { runTenantScripts } from './tenant-scripts.js';
import { earliestDue, fencedTenants } from './upkeep-tenants.js';

/**
 * Takes back active jobs whose lease expired, the earliest expiry first across tenants,
 * at most `limit`: the expired ids are picked from every tenant's `l` in one round trip,
 * then one `recover` script per tenant (pipelined) requeues or fails exactly those.
 */
export async function recoverExpiredLeases(
  ctx: RedisContext,
  fence: Fence,
  now: number,
  limit: number,
): Promise<RecoveryResult> {
  checkInstant('now', now);
  checkCount('limit', limit);
  const tenants = await fencedTenants(ctx, fence);
  const { order, byTenant } = await earliestDue(ctx, tenants, (keys) => keys.leases, now, limit);
  const calls = [...byTenant].map(([tenant, ids]) => ({ tenant, script: 'recover', args: [fence.epoch, now, ...ids] }));
  const answers = await runTenantScripts(ctx, calls, { epoch: fence.epoch });

  const outcomes = new Map<string, string>();
  calls.forEach((call, i) => {
    const ids = byTenant.get(call.tenant) ?? [];
    const answer = recoverAnswer(answers[i], ids.length);
    ids.forEach((local, k) => {
      outcomes.set(globalId(call.tenant, local), answer[k] ?? 'left');
    });
  });
  const result: RecoveryResult = { requeued: [], failed: [] };
  for (const entry of order) {
    const id = globalId(entry.tenant, entry.local);
    const outcome = outcomes.get(id);
    if (outcome === 'requeued') result.requeued.push(id);
    else if (outcome === 'failed') result.failed.push(id);
  }
  return result;
}
