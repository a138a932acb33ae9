import type { Fence } from '@cadenza/core';
import { checkCount, checkInstant } from '@cadenza/core/store-kit';
import type { RedisContext } from '../context.js';
import { releaseDependentsAnswer } from './answers.js';
import { checkFence } from './fence.js';
import { runPipeline } from './store-errors.js';
import { runTenantScripts } from './tenant-scripts.js';
import { fencedTenants } from './upkeep-tenants.js';

/** Rounds of scripts one call may send (each bounded by its share of the limit). */
const MAX_WAVES = 10;

/**
 * Settles the blocked children of parents that ended (lua/release-dependents.lua). Only
 * tenants with ended parents (`x` not empty) are called, each for its share of `limit`,
 * pipelined; tenants left with children to look at are called again while the limit
 * lasts, for at most MAX_WAVES rounds. Each script looks at no more children than its
 * share (children still blocked on another parent are looked at without changing), so
 * the work of one call is bounded by `limit`, not by the size of a family; a count below
 * the limit may leave work behind, which the coordinator finds through nextDueAt (a
 * parent awaiting release is due at once).
 */
export async function releaseDependents(ctx: RedisContext, fence: Fence, now: number, limit: number): Promise<number> {
  checkInstant('now', now);
  checkCount('limit', limit);
  const tenants = await fencedTenants(ctx, fence);
  if (tenants.length === 0 || limit === 0) return 0;
  const pipeline = ctx.pipeline();
  for (const tenant of tenants) pipeline.llen(ctx.keysOf(tenant).ended);
  const lengths = await runPipeline(pipeline);
  let pending = tenants.filter((_, i) => Number(lengths[i]) > 0);

  let changed = 0;
  for (let wave = 0; pending.length > 0 && changed < limit && wave < MAX_WAVES; wave++) {
    // Each wave is a fenced write of its own.
    if (wave > 0) await checkFence(ctx, fence);
    const share = Math.max(1, Math.ceil((limit - changed) / pending.length));
    const calls = pending.map((tenant) => ({
      tenant,
      script: 'release-dependents',
      args: [fence.epoch, now, share],
    }));
    const answers = await runTenantScripts(ctx, calls, { epoch: fence.epoch });
    const next: string[] = [];
    answers.forEach((answer, i) => {
      const released = releaseDependentsAnswer(answer);
      changed += released.changed;
      if (released.more) next.push(pending[i] ?? '');
    });
    pending = next;
  }
  return changed;
}
