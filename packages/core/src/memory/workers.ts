import { invalidArgument } from '../errors.js';
import { newLeaseToken } from '../model/ids.js';
import type { ClaimedJob, Job } from '../model/job.js';
import type { ClaimRequest, HeartbeatEntry, LeaseState, Settlement } from '../store/store.js';
import { checkCount, checkDuration, checkInstant, checkText } from './arguments.js';
import { extendLease, makeActive, makeDelayed, makeFinal, makeWaiting } from './job-states.js';
import type { MemoryState } from './state.js';

/** Takes waiting jobs in claim order (ready-queues.ts) and leases them to the worker. */
export function claim(state: MemoryState, request: ClaimRequest): ClaimedJob[] {
  const workerId = checkText('workerId', request.workerId);
  const limit = checkCount('limit', request.limit);
  const leaseMs = checkDuration('leaseMs', request.leaseMs);
  const now = checkInstant('now', request.now);
  if (request.tenants !== undefined && !Array.isArray(request.tenants)) {
    throw invalidArgument('tenants', request.tenants, 'an array of tenant names or nothing');
  }
  const tenants = request.tenants === undefined ? undefined : new Set(request.tenants);
  if (limit === 0 || tenants?.size === 0) return [];
  const claimed: ClaimedJob[] = [];
  for (const id of state.ready.take(limit, tenants)) {
    const job = state.jobs.get(id);
    if (job === undefined) continue;
    const lease = { workerId, token: newLeaseToken(), expiresAt: now + leaseMs };
    makeActive(state, job, lease, now);
    claimed.push({ ...job, lease });
  }
  return claimed;
}

/**
 * The job a worker's token still holds, or why not. A lease past its expiry that the
 * coordinator has not taken back yet is still held: nobody else has the job, so letting
 * its worker go on (or finish) loses nothing, and the token changes at the next claim.
 */
function leaseOf(state: MemoryState, jobId: string, token: string): { job: Job; state: LeaseState } | undefined {
  const job = state.jobs.get(jobId);
  if (job === undefined || job.lease === undefined || job.lease.token !== token) return undefined;
  if (job.status === 'active') return { job, state: 'ok' };
  // Cancel keeps the lease on the job so that this worker learns why it lost it.
  if (job.status === 'canceled') return { job, state: 'canceled' };
  return undefined;
}

export function heartbeat(
  state: MemoryState,
  entries: readonly HeartbeatEntry[],
  leaseMs: number,
  now: number,
): LeaseState[] {
  checkDuration('leaseMs', leaseMs);
  checkInstant('now', now);
  if (!Array.isArray(entries)) throw invalidArgument('entries', entries, 'an array of heartbeats');
  return entries.map((entry) => {
    const held = leaseOf(state, entry.jobId, entry.token);
    if (held === undefined) return 'lost';
    if (held.state !== 'ok' || held.job.lease === undefined) return held.state;
    extendLease(state, held.job, held.job.lease, now + leaseMs);
    if (entry.progress !== undefined) held.job.progress = structuredClone(entry.progress);
    return 'ok';
  });
}

const OUTCOMES = ['succeeded', 'failed', 'released'];

function checkSettlement(settlement: Settlement, index: number): void {
  const at = `settlements.${index}`;
  if (!OUTCOMES.includes(settlement.outcome)) {
    throw invalidArgument(`${at}.outcome`, settlement.outcome, OUTCOMES.join(', '));
  }
  if (settlement.outcome !== 'failed') return;
  const error = settlement.error as unknown;
  if (typeof error !== 'object' || error === null || typeof settlement.error.code !== 'string') {
    throw invalidArgument(`${at}.error`, error, 'an error with a code and a message');
  }
  if (settlement.retryAt !== undefined) checkInstant(`${at}.retryAt`, settlement.retryAt);
}

/**
 * Ends attempts. A settlement applies only while its token holds an active job; else it
 * answers `lost` (or `canceled`) and changes nothing. The store does not second-guess a
 * `retryAt`: the worker decided from `maxAttempts` and the backoff that another attempt
 * is due.
 *
 * - succeeded: final, with its result; an earlier attempt's error is cleared.
 * - failed + retryAt: delayed until `retryAt` (waiting at once when it has come), error kept.
 * - failed: final, with its error.
 * - released: waiting again and the attempt given back (graceful shutdown).
 */
export function settle(state: MemoryState, settlements: readonly Settlement[], now: number): LeaseState[] {
  checkInstant('now', now);
  if (!Array.isArray(settlements)) throw invalidArgument('settlements', settlements, 'an array of settlements');
  settlements.forEach(checkSettlement);
  return settlements.map((settlement) => {
    const held = leaseOf(state, settlement.jobId, settlement.token);
    if (held === undefined) return 'lost';
    if (held.state !== 'ok') return held.state;
    const job = held.job;
    switch (settlement.outcome) {
      case 'succeeded':
        job.result = structuredClone(settlement.result);
        job.error = undefined;
        job.lease = undefined;
        makeFinal(state, job, 'succeeded', now);
        break;
      case 'failed':
        job.error = { code: settlement.error.code, message: String(settlement.error.message) };
        if (settlement.retryAt === undefined) {
          job.lease = undefined;
          makeFinal(state, job, 'failed', now);
        } else if (settlement.retryAt > now) {
          makeDelayed(state, job, settlement.retryAt);
        } else {
          makeWaiting(state, job);
        }
        break;
      case 'released':
        job.attempt = Math.max(0, job.attempt - 1);
        // The attempt never happened, as far as the job's record goes.
        if (job.attempt === 0) job.startedAt = undefined;
        makeWaiting(state, job);
        break;
    }
    return 'ok';
  });
}
