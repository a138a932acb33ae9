import type { Job } from '../model/job.js';
import { type CheckedLimits, refill } from '../store/support/limits.js';

/**
 * Refilling adds `elapsed * rate / 1000`, which need not be exact in binary (a rate of 0.3
 * a second): a bucket a hair under one token after a whole token's wait still holds one.
 */
const EPSILON = 1e-9;

interface Bucket {
  tokens: number;
  at: number;
}

/** A bucket as a snapshot holds it. */
export type BucketEntry = [tenant: string, tokens: number, at: number];

/**
 * Per-tenant limits at claim time (core's TenantLimits). `maxActive` is checked against a
 * count of each tenant's active jobs, kept in step by job-states.ts as jobs enter and leave
 * status active (so a job settled, canceled or taken back from an expired lease leaves the
 * count); the count follows from the jobs, so snapshots do not hold it. `rate` is a token
 * bucket per tenant, refilled by the claim's `now`, one token per job claimed; the buckets
 * are state of their own (a restart must not hand out a fresh burst), so snapshots hold them.
 */
export class TenantLimiter {
  private readonly active = new Map<string, number>();
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limitsOf: (tenant: string) => CheckedLimits | undefined) {}

  /** A job of `tenant` became active. */
  started(tenant: string): void {
    this.active.set(tenant, (this.active.get(tenant) ?? 0) + 1);
  }

  /** A job of `tenant` stopped being active. */
  stopped(tenant: string): void {
    const n = (this.active.get(tenant) ?? 0) - 1;
    if (n > 0) this.active.set(tenant, n);
    else this.active.delete(tenant);
  }

  /** Whether one more job of `tenant` may be claimed at `now`. */
  mayClaim(tenant: string, now: number): boolean {
    const limits = this.limitsOf(tenant);
    if (limits === undefined) return true;
    if (limits.maxActive !== undefined && (this.active.get(tenant) ?? 0) >= limits.maxActive) return false;
    if (limits.rate !== undefined && limits.burst !== undefined) {
      if (this.bucketAt(tenant, limits.rate, limits.burst, now).tokens < 1 - EPSILON) return false;
    }
    return true;
  }

  /** A job of `tenant` was claimed at `now`: it takes a token from a rate-limited bucket. */
  claimed(tenant: string, now: number): void {
    const limits = this.limitsOf(tenant);
    if (limits?.rate === undefined || limits.burst === undefined) return;
    const bucket = this.bucketAt(tenant, limits.rate, limits.burst, now);
    // Never below empty: the epsilon above must not turn into a debt.
    this.buckets.set(tenant, { tokens: Math.max(0, bucket.tokens - 1), at: bucket.at });
  }

  /** The active counts kept per tenant (for `doctor`, which checks them against the jobs). */
  activeCounts(): ReadonlyMap<string, number> {
    return this.active;
  }

  /** Recounts the active jobs from `jobs`, leaving the buckets (a `doctor` repair). */
  recountActive(jobs: Iterable<Job>): void {
    this.active.clear();
    for (const job of jobs) if (job.status === 'active') this.started(job.tenant);
  }

  /** The buckets, for snapshots (a tenant never limited by rate has none). */
  bucketEntries(): BucketEntry[] {
    return [...this.buckets].map(([tenant, { tokens, at }]): BucketEntry => [tenant, tokens, at]);
  }

  /** Recounts the active jobs from `jobs` and replaces the buckets (at import). */
  restore(jobs: Iterable<Job>, buckets: readonly BucketEntry[]): void {
    this.active.clear();
    for (const job of jobs) if (job.status === 'active') this.started(job.tenant);
    this.buckets.clear();
    for (const [tenant, tokens, at] of buckets) this.buckets.set(tenant, { tokens, at });
  }

  /** The tenant's bucket refilled to `now` (a tenant never seen has a full one). */
  private bucketAt(tenant: string, rate: number, burst: number, now: number): Bucket {
    const stored = this.buckets.get(tenant);
    // A claim whose clock is behind the last one (another worker's) refills nothing, and the
    // bucket keeps its later `at`, so that the same span is never counted twice.
    if (stored !== undefined && now < stored.at) return stored;
    return refill(stored, { rate, burst }, now);
  }
}
