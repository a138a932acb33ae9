import type { ClaimedJob } from '@cadenza/core';
import type { RedisContext } from '../../context.js';
import { decodeClaimAnswer } from '../claim-answer.js';
import type { CheckedClaim, ClaimCall, ClaimCalls } from '../claim-calls.js';
import { interleave } from '../interleave.js';
import type { GateClaims, Offer } from './claims.js';
import { releaseHolds } from './release.js';

/**
 * Parked jobs a claim round was offered (gated jobs of band `priority`): units for those
 * that fit (at most `room`, what the round still wanted from their tenants), then their
 * leases, one claim-parked.lua call per tenant with grants; units granted to a job that
 * could not be leased after all (canceled meanwhile, or its tenant at a limit) go back.
 */
export async function claimParked(
  ctx: RedisContext,
  gates: GateClaims,
  calls: ClaimCalls,
  request: CheckedClaim,
  priority: number,
  offers: readonly Offer[],
  room: number,
): Promise<ClaimedJob[]> {
  // Each tenant's call is made before the grants, so that its claim id names the holds.
  const byTenant = new Map<string, ClaimCall>();
  const callOf = (tenant: string): ClaimCall => {
    let call = byTenant.get(tenant);
    if (call === undefined) {
      call = calls.call('claim-parked', request, tenant, priority, 0, []);
      byTenant.set(tenant, call);
    }
    return call;
  };
  const claimIdOf = (tenant: string) => callOf(tenant).claimId;
  const grants = await gates.take(priority, offers, room, request.now, request.now + request.leaseMs, claimIdOf);
  if (grants.length === 0) return [];
  const granted = new Map<string, (string | number)[]>();
  for (const grant of grants) {
    const pairs = granted.get(grant.tenant) ?? [];
    pairs.push(grant.id, grant.holder);
    granted.set(grant.tenant, pairs);
  }
  const send = [...granted].map(([tenant, pairs]) => {
    const call = callOf(tenant);
    return { ...call, args: [...call.args, ...pairs] };
  });
  const { answers } = await calls.send(send);
  const refused: string[] = [];
  const jobs = send.map((call, k) => {
    const { jobs: taken, pairs } = decodeClaimAnswer(call.tenant, answers[k]);
    for (const [, holder] of pairs) refused.push(holder);
    return taken;
  });
  await releaseHolds(ctx, refused);
  return interleave(jobs);
}
