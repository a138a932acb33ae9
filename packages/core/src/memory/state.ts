import { newJobId, newLeaseToken } from '../model/ids.js';
import type { PastAttempt } from '../store/store.js';
import type { Gates } from '../store/support/gates.js';
import type { CheckedLimits } from '../store/support/limits.js';
import { StoreSignals } from '../store/support/signals.js';
import { ActivityLog } from './activity-log.js';
import { JobTable } from './job-table.js';
import { LeaderLease } from './leadership.js';
import { ReadyQueues } from './ready-queues.js';
import { GateHoldings } from './resource-gates.js';
import { ScheduleTable } from './schedule-table.js';
import { TenantLimiter } from './tenant-limits.js';
import { TimeIndex } from './time-index.js';

/**
 * The random values the memory store makes itself: the lease token of each claim, and the
 * id of the job a triggered schedule creates (every other id comes in with the call).
 */
export interface RandomSource {
  leaseToken(): string;
  jobId(tenant: string, now: number): string;
}

export const DEFAULT_RANDOM: RandomSource = { leaseToken: newLeaseToken, jobId: newJobId };

/**
 * Everything the memory store holds. The operations (one file per area) are plain
 * synchronous functions over this state: each checks everything it needs first and only
 * then changes anything, so a refused call writes nothing, and with no `await` inside a
 * call, no other call can interleave with it — that is the memory store's atomicity.
 */
export class MemoryState {
  readonly jobs = new JobTable();
  readonly ready: ReadyQueues;
  /** Delayed jobs by `runAt`. */
  readonly delayed = new TimeIndex<string>();
  /** Active jobs by lease `expiresAt` (a canceled job's kept lease is not in here). */
  readonly leases = new TimeIndex<string>();
  /**
   * Parents that ended (final) while they had children, with when they ended, waiting for
   * `releaseDependents`. Insertion-ordered, so parents are handled in the order they ended.
   */
  readonly pendingParents = new Map<string, number>();
  readonly schedules = new ScheduleTable();
  readonly leader = new LeaderLease();
  readonly signals = new StoreSignals();
  /** Per-tenant limits: active counts (kept by job-states.ts) and rate buckets. */
  readonly limits: TenantLimiter;
  /** Named resources and per-name concurrency: units held by active jobs (kept by job-states.ts). */
  readonly holdings: GateHoldings;
  /** Jobs ended and attempts retried per tenant and minute (`Store.activity`; counted by job-states.ts). */
  readonly activity = new ActivityLog();
  /** Attempts that ended before a job's latest, oldest first (`Store.pastAttempts`); deleted with the job. */
  readonly pastAttempts = new Map<string, PastAttempt[]>();
  /** Where the random values the state makes come from (SyncMemoryStore.useRandom: a log replay reuses the recorded ones). */
  random: RandomSource = DEFAULT_RANDOM;

  constructor(
    weightOf: (tenant: string) => number,
    limitsOf: (tenant: string) => CheckedLimits | undefined,
    gates: Gates,
  ) {
    this.ready = new ReadyQueues(weightOf);
    this.limits = new TenantLimiter(limitsOf);
    this.holdings = new GateHoldings(gates);
  }

  /**
   * The earliest instant at which the coordinator has something to do: a delayed job's
   * `runAt`, a lease's expiry, an unpaused schedule's `nextFireAt`, or, for a parent whose
   * children wait to be released, the instant it ended (already past: due at once).
   */
  nextDueAt(): number | undefined {
    let due: number | undefined;
    const consider = (at: number | undefined): void => {
      if (at !== undefined && (due === undefined || at < due)) due = at;
    };
    consider(this.delayed.peek());
    consider(this.leases.peek());
    consider(this.schedules.earliestDue());
    for (const at of this.pendingParents.values()) consider(at);
    return due;
  }
}
