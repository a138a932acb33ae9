import type { RecoveryResult, RetentionPolicy } from '@cadenza/core';
import { leaseExpiryError, lostLeaseError } from '@cadenza/core/store-kit';
import type { Ctx } from './context.js';
import { attemptRetried, makeFinal, makeWaiting } from './job-states.js';
import { DUE_DELAYED, EXPIRED_LEASES, FINISHED_BY_TENANT, NEXT_DUE } from './pinned-statements.js';
import { loadJob } from './rows.js';

/** Delayed jobs whose `runAt` has come (`runAt <= now`) become waiting, earliest first. */
export function promoteDelayed(ctx: Ctx, now: number, limit: number): number {
  const due = ctx.sql(DUE_DELAYED).all(now, limit) as { id: string }[];
  let promoted = 0;
  for (const { id } of due) {
    const job = loadJob(ctx, id);
    if (job === undefined || job.status !== 'delayed') continue;
    makeWaiting(ctx, job);
    promoted++;
  }
  return promoted;
}

/**
 * Active jobs whose lease expired (`expiresAt <= now`), earliest first: waiting again
 * with the attempt spent, or failed with `lease_expired` when none are left.
 */
export function recoverExpiredLeases(ctx: Ctx, now: number, limit: number): RecoveryResult {
  const result: RecoveryResult = { requeued: [], failed: [] };
  const due = ctx.sql(EXPIRED_LEASES).all(now, limit) as { id: string }[];
  for (const { id } of due) {
    const job = loadJob(ctx, id);
    if (job === undefined || job.status !== 'active') continue;
    const error = leaseExpiryError(job);
    if (error !== undefined) {
      job.lease = undefined;
      job.error = error;
      makeFinal(ctx, job, 'failed', now);
      result.failed.push(id);
    } else {
      attemptRetried(ctx, job, lostLeaseError(job), now);
      makeWaiting(ctx, job);
      result.requeued.push(id);
    }
  }
  return result;
}

/**
 * Deletes finished jobs beyond the policy, tenant by tenant (most recently finished kept
 * first); a job that an unfinished child depends on is kept whatever its age, though it
 * takes one of the `maxCount` places. Deleting a row takes its parent links and pending
 * entry with it (foreign keys), and frees its idempotency key and fire.
 */
export function applyRetention(ctx: Ctx, policy: RetentionPolicy, now: number): number {
  const finished = ctx.sql(FINISHED_BY_TENANT).iterate() as IterableIterator<{
    id: string;
    tenant: string;
    ended: number;
  }>;
  const doomed: string[] = [];
  let tenant: string | undefined;
  let rank = 0;
  for (const row of finished) {
    if (row.tenant !== tenant) {
      tenant = row.tenant;
      rank = 0;
    }
    const tooOld = now - row.ended > policy.maxAgeMs;
    if (tooOld || rank >= policy.maxCount) doomed.push(row.id);
    rank++;
  }
  let deleted = 0;
  for (const id of doomed) {
    const open = ctx
      .sql(
        `SELECT 1 FROM job_deps d JOIN jobs c ON c.id = d.child_id
         WHERE d.parent_id = ? AND c.status NOT IN ('succeeded', 'failed', 'canceled') LIMIT 1`,
      )
      .get(id);
    if (open !== undefined) continue;
    ctx.sql('DELETE FROM jobs WHERE id = ?').run(id);
    deleted++;
  }
  return deleted;
}

/** The earliest delayed runAt, lease expiry, unpaused fire, or end of a parent with children to settle. */
export function nextDueAt(ctx: Ctx): number | undefined {
  const row = ctx.sql(NEXT_DUE).get() as { due: number };
  return Number.isFinite(row.due) ? row.due : undefined;
}
