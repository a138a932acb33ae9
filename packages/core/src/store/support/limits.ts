import { invalidArgument } from '../../errors.js';

/**
 * A tenant's limits, enforced by the store at claim time across every worker: over a
 * limit a tenant's jobs wait (they are not failed) and other tenants are served.
 */
export interface TenantLimits {
  /** At most this many of the tenant's jobs active at once. */
  maxActive?: number;
  /** Jobs started per second, on average (token bucket). */
  rate?: number;
  /** Jobs that may start at once after a quiet spell (bucket size). Default: `max(1, floor(rate))`. */
  burst?: number;
}

/** A tenant's limits, checked, with the burst filled in where a rate is set. */
export interface CheckedLimits {
  maxActive: number | undefined;
  rate: number | undefined;
  burst: number | undefined;
}

/**
 * For store implementations: checks a store's `tenantLimits` option and answers each
 * tenant's limits (a tenant not named has none).
 */
export function tenantLimitsOf(limits: Record<string, TenantLimits>): (tenant: string) => CheckedLimits | undefined {
  const table = new Map<string, CheckedLimits>();
  for (const [tenant, given] of Object.entries(limits)) {
    const field = `tenantLimits.${tenant}`;
    if (typeof given !== 'object' || given === null) throw invalidArgument(field, given, 'an object of limits');
    const whole = (name: string, value: unknown): number | undefined => {
      if (value === undefined) return undefined;
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
        throw invalidArgument(`${field}.${name}`, value, 'a whole number, at least 1');
      }
      return value;
    };
    const maxActive = whole('maxActive', given.maxActive);
    const rate = given.rate;
    if (rate !== undefined && (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0)) {
      throw invalidArgument(`${field}.rate`, rate, 'jobs per second, a positive number');
    }
    const burst = whole('burst', given.burst);
    if (burst !== undefined && rate === undefined)
      throw invalidArgument(`${field}.burst`, burst, 'a rate to go with it');
    table.set(tenant, {
      maxActive,
      rate,
      burst: rate === undefined ? undefined : (burst ?? Math.max(1, Math.floor(rate))),
    });
  }
  return (tenant) => table.get(tenant);
}

/**
 * A token bucket's state after `now`: `tokens` refilled at `rate` per second up to `burst`
 * since `at` (a bucket never seen starts full). Stores keep `tokens` and `at` per tenant
 * and take whole tokens from it when they claim. A `now` behind `at` (another worker's
 * clock) refills nothing and keeps `at`, so no span of time is counted twice.
 */
export function refill(
  bucket: { tokens: number; at: number } | undefined,
  limits: { rate: number; burst: number },
  now: number,
): { tokens: number; at: number } {
  if (bucket === undefined) return { tokens: limits.burst, at: now };
  if (now <= bucket.at) return { tokens: Math.min(limits.burst, bucket.tokens), at: bucket.at };
  return { tokens: Math.min(limits.burst, bucket.tokens + ((now - bucket.at) * limits.rate) / 1000), at: now };
}
