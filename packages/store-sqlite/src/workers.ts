import type { ClaimedJob, ClaimRequest, HeartbeatEntry, Job, LeaseState, Settlement } from '@cadenza/core';
import {
  checkClaimRequest,
  checkHeartbeats,
  checkInstant,
  checkSettlements,
  leaseStateOf,
  newLeaseToken,
  settlementMove,
} from '@cadenza/core/store-kit';
import type { Ctx } from './context.js';
import { headOfQueue, takeInTurn } from './fairness.js';
import { ClaimGates } from './gates.js';
import { attemptRetried, extendLease, makeActive, makeDelayed, makeFinal, makeWaiting } from './job-states.js';
import { spendToken, withinLimits } from './limits.js';
import { loadJob } from './rows.js';

/**
 * Takes waiting jobs in claim order (fairness.ts), passing over tenants at a limit
 * (limits.ts) and jobs whose resource gates lack room (gates.ts; none of that work when
 * the store has no capacities), and leases them to the worker.
 */
export function claim(ctx: Ctx, request: ClaimRequest): ClaimedJob[] {
  const { workerId, limit, leaseMs, now, tenants } = checkClaimRequest(request);
  if (limit === 0 || tenants?.size === 0) return [];
  const eligible = tenants === undefined ? undefined : JSON.stringify([...tenants]);
  const claimed: ClaimedJob[] = [];
  const mayTake = (tenant: string) => withinLimits(ctx, tenant, now);
  const gates = ctx.gates.none ? undefined : new ClaimGates(ctx, ctx.gates);
  takeInTurn(ctx, limit, eligible, mayTake, gates?.pick ?? headOfQueue(ctx), (id) => {
    const job = loadJob(ctx, id);
    if (job === undefined) return;
    const lease = { workerId, token: newLeaseToken(), expiresAt: now + leaseMs };
    makeActive(ctx, job, lease, now);
    spendToken(ctx, job.tenant, now);
    gates?.took(job);
    claimed.push({ ...job, lease });
  });
  return claimed;
}

/** The job a worker's token still holds, or why not (core's leaseStateOf). */
function leaseOf(ctx: Ctx, jobId: string, token: string): { job: Job; state: LeaseState } | undefined {
  const job = loadJob(ctx, jobId);
  const held = leaseStateOf(job, token);
  return job === undefined || held === undefined ? undefined : { job, state: held };
}

export function heartbeat(ctx: Ctx, entries: readonly HeartbeatEntry[], leaseMs: number, now: number): LeaseState[] {
  checkHeartbeats(entries, leaseMs, now);
  return entries.map((entry) => {
    const held = leaseOf(ctx, entry.jobId, entry.token);
    if (held === undefined) return 'lost';
    if (held.state !== 'ok' || held.job.lease === undefined) return held.state;
    if (entry.progress !== undefined) held.job.progress = entry.progress;
    extendLease(ctx, held.job, held.job.lease, now + leaseMs);
    return 'ok';
  });
}

/**
 * Ends attempts (see the memory store's workers.ts): a settlement applies only while its
 * token holds an active job, else it answers `lost` (or `canceled`) and changes nothing.
 */
export function settle(ctx: Ctx, settlements: readonly Settlement[], now: number): LeaseState[] {
  checkInstant('now', now);
  checkSettlements(settlements);
  return settlements.map((settlement) => {
    const held = leaseOf(ctx, settlement.jobId, settlement.token);
    if (held === undefined) return 'lost';
    if (held.state !== 'ok') return held.state;
    const job = held.job;
    const move = settlementMove(job, settlement, now);
    if (settlement.outcome === 'succeeded') job.result = settlement.result;
    if (settlement.outcome === 'failed' && move.to !== 'final' && job.error !== undefined) {
      attemptRetried(ctx, job, job.error, now);
    }
    if (move.to === 'final') makeFinal(ctx, job, move.status, now);
    else if (move.to === 'delayed') makeDelayed(ctx, job, move.runAt);
    else makeWaiting(ctx, job);
    return 'ok';
  });
}
