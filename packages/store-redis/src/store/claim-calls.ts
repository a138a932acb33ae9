import { randomBytes } from 'node:crypto';
import { CadenzaError, type ClaimedJob } from '@cadenza/core';
import type { CheckedLimits, checkClaimRequest } from '@cadenza/core/store-kit';
import type { RedisContext } from '../context.js';
import { decodeClaimAnswer } from './claim-answer.js';
import { interleave } from './interleave.js';
import { type Reads, runAfterReads, type TenantCall } from './tenant-scripts.js';

/** A claim script's call, with the claim id it was sent under (its memo's name: claim.lua). */
export interface ClaimCall extends TenantCall {
  claimId: string;
}

export type CheckedClaim = ReturnType<typeof checkClaimRequest>;

const NO_READS: Reads = { add: () => undefined, count: 0 };

/**
 * A claimer's calls of claim.lua and claim-parked.lua, and what makes a lost answer safe:
 * every call has a claim id of its own, under which the script keeps a memo of what it
 * handed out (lua/includes/claiming.lua); each call names the last claim id answered by its
 * tenant, whose memo can go; a call whose answer never came (the connection failed) is
 * kept and sent again, same id, before anything else, and the script answers it from the
 * memo. So a reconnect never leaves jobs leased to nobody until their leases run out.
 */
export class ClaimCalls {
  /** Claim ids: unique per call. */
  private readonly ids = { prefix: randomBytes(6).toString('hex'), next: 0 };
  /** Per tenant: the last claim id answered, whose memo the next call there drops. */
  private readonly answered = new Map<string, string>();
  /** Calls sent whose answer never came (connection lost): asked again first. */
  private lost: ClaimCall[] = [];

  constructor(
    private readonly ctx: RedisContext,
    private readonly limitsOf: (tenant: string) => CheckedLimits | undefined,
  ) {}

  /**
   * A call for one tenant under a fresh claim id: the two scripts' first ten arguments are
   * the same, then each script's own (`more`).
   */
  call(
    script: 'claim' | 'claim-parked',
    request: CheckedClaim,
    tenant: string,
    priority: number,
    count: number,
    more: readonly (string | number)[],
  ): ClaimCall {
    const { now, leaseMs, workerId } = request;
    const claimId = `${this.ids.prefix}.${this.ids.next++}`;
    const args = [now, priority, count, workerId, now + leaseMs, claimId, this.answered.get(tenant) ?? ''];
    return { tenant, script, claimId, args: [...args, ...limitArgs(this.limitsOf(tenant)), ...more] };
  }

  /** Sends calls (after `reads`, in the same round trip); when the connection fails, keeps them to be asked again. */
  async send(calls: ClaimCall[], reads: Reads = NO_READS): Promise<{ reads: unknown[]; answers: unknown[][] }> {
    try {
      const sent = await runAfterReads(this.ctx, reads, calls);
      for (const call of calls) this.answered.set(call.tenant, call.claimId);
      return sent;
    } catch (error) {
      if (error instanceof CadenzaError && error.code === 'unavailable') {
        this.lost = [...this.lost.filter((call) => !calls.includes(call)), ...calls];
      }
      throw error;
    }
  }

  /**
   * The jobs of calls whose answer was lost: the same calls again (same claim ids), which
   * the script answers from its memo. Their jobs may exceed this claim's limit by what the
   * lost calls asked for; the worker asked for them once already.
   */
  async askAgain(): Promise<ClaimedJob[]> {
    if (this.lost.length === 0) return [];
    const calls = this.lost;
    const { answers } = await this.send(calls);
    this.lost = [];
    return interleave(calls.map((call, k) => decodeClaimAnswer(call.tenant, answers[k]).jobs));
  }
}

/** The claim scripts' ARGV for a tenant's limits: maxActive, rate, burst ('' for none). */
function limitArgs(limits: CheckedLimits | undefined): (string | number)[] {
  return [limits?.maxActive ?? '', limits?.rate ?? '', limits?.burst ?? ''];
}
