import type { ClaimedJob, Job } from '../model/job.js';
import type { ClaimRequest, HeartbeatEntry, LeaseState, Settlement } from '../store/store.js';
import { checkInstant } from '../store/support/arguments.js';
import { checkClaimRequest, checkHeartbeats, leaseStateOf } from '../store/support/leases.js';
import { checkSettlements, settlementMove } from '../store/support/settlements.js';
import { attemptRetried, extendLease, makeActive, makeDelayed, makeFinal, makeWaiting } from './job-states.js';
import type { MemoryState } from './state.js';

/**
 * Takes waiting jobs in claim order (ready-queues.ts) and leases them to the worker. A
 * tenant outside the request's filter, or at one of its limits (tenant-limits.ts), is
 * passed over: its jobs wait, and the claim serves other tenants instead. With resource
 * gates (resource-gates.ts), a job whose gates lack room is passed over where it stands,
 * still waiting and in its place, and the jobs behind it go on; without any, no job is
 * looked at for them.
 */
export function claim(state: MemoryState, request: ClaimRequest): ClaimedJob[] {
  const { workerId, limit, leaseMs, now, tenants } = checkClaimRequest(request);
  if (limit === 0 || tenants?.size === 0) return [];
  const eligible = (tenant: string): boolean =>
    (tenants === undefined || tenants.has(tenant)) && state.limits.mayClaim(tenant, now);
  const fits = state.holdings.gates.none
    ? undefined
    : (id: string): boolean => {
        const job = state.jobs.get(id);
        return job === undefined || state.holdings.fits(job);
      };
  const claimed: ClaimedJob[] = [];
  for (const id of state.ready.take(eligible, fits)) {
    const job = state.jobs.get(id);
    if (job !== undefined) {
      const lease = { workerId, token: state.random.leaseToken(), expiresAt: now + leaseMs };
      makeActive(state, job, lease, now);
      state.limits.claimed(job.tenant, now);
      claimed.push({ ...job, lease });
    }
    // Stop before asking for another: asking takes it off its queue.
    if (claimed.length >= limit) break;
  }
  return claimed;
}

/** The job a worker's token still holds, or why not (core's leaseStateOf). */
function leaseOf(state: MemoryState, jobId: string, token: string): { job: Job; state: LeaseState } | undefined {
  const job = state.jobs.get(jobId);
  const held = leaseStateOf(job, token);
  return job === undefined || held === undefined ? undefined : { job, state: held };
}

export function heartbeat(
  state: MemoryState,
  entries: readonly HeartbeatEntry[],
  leaseMs: number,
  now: number,
): LeaseState[] {
  checkHeartbeats(entries, leaseMs, now);
  return entries.map((entry) => {
    const held = leaseOf(state, entry.jobId, entry.token);
    if (held === undefined) return 'lost';
    if (held.state !== 'ok' || held.job.lease === undefined) return held.state;
    extendLease(state, held.job, held.job.lease, now + leaseMs);
    if (entry.progress !== undefined) held.job.progress = structuredClone(entry.progress);
    return 'ok';
  });
}

/**
 * Ends attempts. A settlement applies only while its token holds an active job; else it
 * answers `lost` (or `canceled`) and changes nothing. What it does to the job is core's
 * settlementMove, shared with the other stores; the result is copied, so that the store
 * keeps no reference to the caller's object.
 */
export function settle(state: MemoryState, settlements: readonly Settlement[], now: number): LeaseState[] {
  checkInstant('now', now);
  checkSettlements(settlements);
  return settlements.map((settlement) => {
    const held = leaseOf(state, settlement.jobId, settlement.token);
    if (held === undefined) return 'lost';
    if (held.state !== 'ok') return held.state;
    const job = held.job;
    const move = settlementMove(job, settlement, now);
    if (settlement.outcome === 'succeeded') job.result = structuredClone(settlement.result);
    if (settlement.outcome === 'failed' && move.to !== 'final' && job.error !== undefined) {
      attemptRetried(state, job, job.error, now);
    }
    if (move.to === 'final') makeFinal(state, job, move.status, now);
    else if (move.to === 'delayed') makeDelayed(state, job, move.runAt);
    else makeWaiting(state, job);
    return 'ok';
  });
}
