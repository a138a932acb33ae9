import { refill } from '@cadenza/core';
import type { Ctx } from './context.js';
import { ACTIVE_OF_TENANT } from './pinned-statements.js';

/*
 * Per-tenant limits at claim time (core's TenantLimits): `maxActive` counts the tenant's
 * active jobs in the table itself (the jobs_active_tenant index), so a job leaves the
 * count however it stops being active (settled, canceled, lease recovered) with nothing
 * to keep in step. `rate` is a token bucket per tenant in `buckets`, refilled by the
 * claim's `now`; one token is taken per job claimed.
 */

/**
 * Refilling adds `elapsed * rate / 1000`, which need not be exact in binary (a rate of
 * 0.3 a second): a bucket a hair under one token after a whole token's wait still holds one.
 */
const EPSILON = 1e-9;

interface Bucket {
  tokens: number;
  at: number;
}

/** The tenant's bucket refilled to `now` (a tenant never seen has a full one). */
function bucketAt(ctx: Ctx, tenant: string, rate: number, burst: number, now: number): Bucket {
  const stored = ctx.sql('SELECT tokens, at FROM buckets WHERE tenant = ?').get(tenant) as Bucket | undefined;
  // A claim whose clock is behind the last one (another worker's) refills nothing, and the
  // bucket keeps its later `at`, so the same span is never counted twice.
  if (stored !== undefined && now < stored.at) return stored;
  return refill(stored, { rate, burst }, now);
}

/** Whether the tenant may have one more job claimed at `now`. */
export function withinLimits(ctx: Ctx, tenant: string, now: number): boolean {
  const limits = ctx.limitsOf(tenant);
  if (limits === undefined) return true;
  if (limits.maxActive !== undefined) {
    const row = ctx.sql(ACTIVE_OF_TENANT).get(tenant) as {
      n: number;
    };
    if (row.n >= limits.maxActive) return false;
  }
  if (limits.rate !== undefined && limits.burst !== undefined) {
    if (bucketAt(ctx, tenant, limits.rate, limits.burst, now).tokens < 1 - EPSILON) return false;
  }
  return true;
}

/** A job of the tenant was claimed at `now`: it takes a token from a rate-limited bucket. */
export function spendToken(ctx: Ctx, tenant: string, now: number): void {
  const limits = ctx.limitsOf(tenant);
  if (limits?.rate === undefined || limits.burst === undefined) return;
  const bucket = bucketAt(ctx, tenant, limits.rate, limits.burst, now);
  // Never below empty: the epsilon above must not turn into a debt.
  ctx
    .sql(
      `INSERT INTO buckets (tenant, tokens, at) VALUES (?, ?, ?)
       ON CONFLICT (tenant) DO UPDATE SET tokens = excluded.tokens, at = excluded.at`,
    )
    .run(tenant, Math.max(0, bucket.tokens - 1), bucket.at);
}
