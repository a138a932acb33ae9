import type { DoctorOptions } from '@cadenza/core';
import type { RedisContext } from '../../context.js';
import { gateKeys, globalId, tenantKeys } from '../../keys.js';
import { releaseHolds } from '../gates/release.js';
import { type Findings, repaired } from './findings.js';
import { hashChunks } from './read-chunks.js';

/**
 * The gates (README.md, "Gates"): units held of each gate equal the sum over its holders
 * (read at one instant by doctor-gates.lua), and every holder is a job that is active and
 * holds it. A job that stops being active gives its hold back just after its tenant script
 * (another slot), and a process that dies in between leaves the hold until its deadline,
 * when the next claim for units sweeps it: so a holder without its job is a finding only
 * once its deadline is STALE_HOLD_MS behind, longer than a cluster at work leaves one
 * unswept. Repair gives such a hold back, as that sweep would.
 */
export const STALE_HOLD_MS = 60_000;

export async function checkGates(ctx: RedisContext, options: DoctorOptions, findings: Findings): Promise<void> {
  const keys = gateKeys(ctx.prefix);
  const sums = async (repair: boolean) =>
    (await ctx.scripts.call(ctx.redis, 'doctor-gates', [keys.held, keys.holders], [repair ? '1' : '0'])) as string[];
  const found = await sums(false);
  if (found.length > 0) {
    const fixed = options.repair ? await sums(true) : [];
    for (let i = 0; i + 2 < found.length; i += 3) {
      const [gate, held, want] = [found[i], found[i + 1], found[i + 2]];
      const finding = findings.add('gates', `gate ${gate}`, `${held} units held, but its holders hold ${want}`);
      const again = fixed.indexOf(gate as string);
      if (again >= 0 && again % 3 === 0) repaired(finding, true, `set to ${fixed[again + 2]}`);
    }
  }
  for await (const pairs of hashChunks(ctx, keys.holders)) {
    for (const [holder] of pairs) {
      if (await holdsNothing(ctx, holder, options.now)) {
        const finding = findings.add(
          'gates',
          `hold ${holder}`,
          'is a minute past its deadline and no active job holds it (its units are counted as used)',
        );
        if (options.repair) {
          await releaseHolds(ctx, [holder]);
          repaired(finding, true, 'gave the units back');
        }
      }
    }
  }
}

/** Whether `holder`'s deadline has passed and its job is not an active job holding it. */
async function holdsNothing(ctx: RedisContext, holder: string, now: number): Promise<boolean> {
  const [tenant, local] = holder.split('/');
  if (tenant === undefined || local === undefined) return true;
  const deadline = await ctx.redis.zscore(gateKeys(ctx.prefix).deadlines, holder);
  if (deadline !== null && Number(deadline) >= now - STALE_HOLD_MS) return false;
  const keys = tenantKeys(ctx.prefix, tenant);
  const [held, record] = await Promise.all([ctx.redis.hget(keys.gated, local), ctx.redis.hget(keys.jobs, local)]);
  if (held === `@${holder}` && record?.startsWith('active\0')) return false;
  // Read the hold again after its job: given back meanwhile, it was only on its way out.
  return (await ctx.redis.hexists(gateKeys(ctx.prefix).holders, holder)) === 1;
}

/**
 * The other way: every job of `tenant` that holds units (`@<holder>` in its gate entry) has
 * its hold among the gates' holders, or the units it uses are counted nowhere and a gate
 * could be filled past its capacity. Not repaired: taking units now could overfill it.
 */
export async function checkTenantHolds(ctx: RedisContext, tenant: string, findings: Findings): Promise<void> {
  const keys = tenantKeys(ctx.prefix, tenant);
  const holders = gateKeys(ctx.prefix).holders;
  for await (const pairs of hashChunks(ctx, keys.gated)) {
    for (const [local, value] of pairs) {
      if (!value.startsWith('@') || (await ctx.redis.hexists(holders, value.slice(1))) === 1) continue;
      // Read again: the job may have ended and given its hold back meanwhile.
      if ((await ctx.redis.hget(keys.gated, local)) !== value) continue;
      if ((await ctx.redis.hexists(holders, value.slice(1))) === 1) continue;
      findings.add('gates', globalId(tenant, local), `holds ${value.slice(1)}, which the gates do not count`);
    }
  }
}
