import { invalidArgument } from '../../errors.js';
import type { Job } from '../../model/job.js';
import type { ClaimRequest, HeartbeatEntry, LeaseState } from '../store.js';
import { checkCount, checkDuration, checkInstant, checkText } from './arguments.js';

/**
 * For store implementations: the checks and the lease decision of `claim`, `heartbeat`
 * and `settle` that do not depend on how a store keeps its rows.
 */

/** A checked claim request; `tenants` is deduplicated (undefined: any tenant). */
export interface CheckedClaim {
  workerId: string;
  limit: number;
  leaseMs: number;
  now: number;
  tenants: Set<string> | undefined;
}

export function checkClaimRequest(request: ClaimRequest): CheckedClaim {
  const workerId = checkText('workerId', request.workerId);
  const limit = checkCount('limit', request.limit);
  const leaseMs = checkDuration('leaseMs', request.leaseMs);
  const now = checkInstant('now', request.now);
  if (request.tenants !== undefined && !Array.isArray(request.tenants)) {
    throw invalidArgument('tenants', request.tenants, 'an array of tenant names or nothing');
  }
  const tenants = request.tenants === undefined ? undefined : new Set(request.tenants);
  return { workerId, limit, leaseMs, now, tenants };
}

/** The argument checks of a `heartbeat` batch, all made before any entry applies. */
export function checkHeartbeats(entries: readonly HeartbeatEntry[], leaseMs: number, now: number): void {
  checkDuration('leaseMs', leaseMs);
  checkInstant('now', now);
  if (!Array.isArray(entries)) throw invalidArgument('entries', entries, 'an array of heartbeats');
}

/**
 * Whether `token` still holds `job` (looked up by the store): `ok` while the job is
 * active, `canceled` when it was canceled under the lease (cancel keeps the lease on the
 * job so that its worker learns why it lost it), else undefined (`lost`). A lease past
 * its expiry that the coordinator has not taken back yet is still held: nobody else has
 * the job, so letting its worker go on (or finish) loses nothing, and the token changes
 * at the next claim.
 */
export function leaseStateOf(job: Job | undefined, token: string): Exclude<LeaseState, 'lost'> | undefined {
  if (job === undefined || job.lease === undefined || job.lease.token !== token) return undefined;
  if (job.status === 'active') return 'ok';
  if (job.status === 'canceled') return 'canceled';
  return undefined;
}
