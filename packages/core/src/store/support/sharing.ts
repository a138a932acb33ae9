import { definedOnly } from '../../util/defined-only.js';
import type { ResourceLimits } from './gates.js';
import type { TenantLimits } from './limits.js';

/**
 * How tenants and jobs share a store: the options every store takes alike (memory, file,
 * SQLite, LMDB, Redis) and the CLI reads from `--tenant-weights`, `--tenant-limits`,
 * `--resources` and `--job-concurrency`. Every process on one store should be given the
 * same: they decide who is claimed next and what fits (docs/jobs.md, "Order, priorities
 * and fair service between tenants", and docs/limits.md).
 */
export interface SharingOptions extends ResourceLimits {
  /** Relative weights for fair service between tenants; default 1 each. */
  tenantWeights?: Record<string, number>;
  /**
   * Per-tenant limits (maxActive, rate, burst), enforced at claim time: over a limit a
   * tenant's jobs wait and other tenants are served. A store checks them when it is made
   * (`invalid_argument` naming `tenantLimits.<tenant>.<field>`).
   */
  tenantLimits?: Record<string, TenantLimits>;
}

/**
 * The sharing options in `options` that are given, and nothing else: for passing a
 * caller's options on to a store, where a key present with `undefined` must not stand for
 * one left out.
 */
export function sharingOptionsOf(options: SharingOptions): SharingOptions {
  const { tenantWeights, tenantLimits, resources, jobConcurrency } = options;
  return definedOnly({ tenantWeights, tenantLimits, resources, jobConcurrency });
}
