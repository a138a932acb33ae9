import {
  type ClaimedJob,
  type ClaimRequest,
  type HeartbeatEntry,
  invalidArgument,
  type Job,
  type LeaseState,
  newLeaseToken,
  type Settlement,
} from '@cadenza/core';
import { checkCount, checkDuration, checkInstant, checkText } from './arguments.js';
import type { Ctx } from './context.js';
import { takeInTurn } from './fairness.js';
import { extendLease, makeActive, makeDelayed, makeFinal, makeWaiting } from './job-states.js';
import { loadJob } from './rows.js';

/** Takes waiting jobs in claim order (fairness.ts) and leases them to the worker. */
export function claim(ctx: Ctx, request: ClaimRequest): ClaimedJob[] {
  const workerId = checkText('workerId', request.workerId);
  const limit = checkCount('limit', request.limit);
  const leaseMs = checkDuration('leaseMs', request.leaseMs);
  const now = checkInstant('now', request.now);
  if (request.tenants !== undefined && !Array.isArray(request.tenants)) {
    throw invalidArgument('tenants', request.tenants, 'an array of tenant names or nothing');
  }
  if (limit === 0 || request.tenants?.length === 0) return [];
  const eligible = request.tenants === undefined ? undefined : JSON.stringify([...new Set(request.tenants)]);
  const claimed: ClaimedJob[] = [];
  takeInTurn(ctx, limit, eligible, (id) => {
    const job = loadJob(ctx, id);
    if (job === undefined) return;
    const lease = { workerId, token: newLeaseToken(), expiresAt: now + leaseMs };
    makeActive(ctx, job, lease, now);
    claimed.push({ ...job, lease });
  });
  return claimed;
}

/**
 * The job a worker's token still holds, or why not. A lease past its expiry that the
 * coordinator has not taken back yet is still held (the token changes at the next claim).
 */
function leaseOf(ctx: Ctx, jobId: string, token: string): { job: Job; state: LeaseState } | undefined {
  const job = loadJob(ctx, jobId);
  if (job === undefined || job.lease === undefined || job.lease.token !== token) return undefined;
  if (job.status === 'active') return { job, state: 'ok' };
  if (job.status === 'canceled') return { job, state: 'canceled' };
  return undefined;
}

export function heartbeat(ctx: Ctx, entries: readonly HeartbeatEntry[], leaseMs: number, now: number): LeaseState[] {
  checkDuration('leaseMs', leaseMs);
  checkInstant('now', now);
  if (!Array.isArray(entries)) throw invalidArgument('entries', entries, 'an array of heartbeats');
  return entries.map((entry) => {
    const held = leaseOf(ctx, entry.jobId, entry.token);
    if (held === undefined) return 'lost';
    if (held.state !== 'ok' || held.job.lease === undefined) return held.state;
    if (entry.progress !== undefined) held.job.progress = entry.progress;
    extendLease(ctx, held.job, held.job.lease, now + leaseMs);
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
 * Ends attempts (see the memory store's workers.ts): a settlement applies only while its
 * token holds an active job, else it answers `lost` (or `canceled`) and changes nothing.
 */
export function settle(ctx: Ctx, settlements: readonly Settlement[], now: number): LeaseState[] {
  checkInstant('now', now);
  if (!Array.isArray(settlements)) throw invalidArgument('settlements', settlements, 'an array of settlements');
  settlements.forEach(checkSettlement);
  return settlements.map((settlement) => {
    const held = leaseOf(ctx, settlement.jobId, settlement.token);
    if (held === undefined) return 'lost';
    if (held.state !== 'ok') return held.state;
    const job = held.job;
    switch (settlement.outcome) {
      case 'succeeded':
        job.result = settlement.result;
        job.error = undefined;
        job.lease = undefined;
        makeFinal(ctx, job, 'succeeded', now);
        break;
      case 'failed':
        job.error = { code: settlement.error.code, message: String(settlement.error.message) };
        if (settlement.retryAt === undefined) {
          job.lease = undefined;
          makeFinal(ctx, job, 'failed', now);
        } else if (settlement.retryAt > now) {
          makeDelayed(ctx, job, settlement.retryAt);
        } else {
          makeWaiting(ctx, job);
        }
        break;
      case 'released':
        job.attempt = Math.max(0, job.attempt - 1);
        if (job.attempt === 0) job.startedAt = undefined;
        makeWaiting(ctx, job);
        break;
    }
    return 'ok';
  });
}
