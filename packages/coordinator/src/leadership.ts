import type { Fence, Leadership, TimerHandle } from '@cadenza/core';
import type { ResolvedCoordinatorOptions } from './options.js';

/** Why a coordinator stopped leading. */
export type StepDownReason = 'renew_failed' | 'stale_epoch' | 'lease_deadline' | 'stopped';

/**
 * One term of leadership: the fence every write of the term carries, and the local
 * deadline after which the term must not act even if nobody told it otherwise.
 */
export interface Term {
  readonly fence: Fence;
  /** When the store's lease runs out, as far as we know. */
  expiresAt: number;
  /** `expiresAt` minus the safety margin: the term acts only before this instant. */
  deadline: number;
}

type Options = Pick<
  ResolvedCoordinatorOptions,
  'store' | 'clock' | 'id' | 'log' | 'leaseTtlMs' | 'renewEveryMs' | 'leaseMarginMs'
>;

/**
 * Takes, renews and gives up the leader lease. While a term lasts, a renewal runs every
 * `renewEveryMs` and a deadline timer waits at `expiresAt - margin`: a renewal that fails,
 * a renewal that has not succeeded by the deadline, or a write refused as stale ends the
 * term at once (`onLost`), before the store could hand the lease to anyone else.
 */
export class LeaseKeeper {
  private term: Term | undefined;
  private renewTimer: TimerHandle | undefined;
  private deadlineTimer: TimerHandle | undefined;

  constructor(
    private readonly options: Options,
    private readonly onLost: (term: Term, reason: StepDownReason, error?: unknown) => void,
  ) {}

  get current(): Term | undefined {
    return this.term;
  }

  /** True while `term` is the current one and its deadline has not passed. */
  isActing(term: Term): boolean {
    if (this.term !== term) return false;
    if (this.options.clock.now() < term.deadline) return true;
    this.end('lease_deadline');
    return false;
  }

  /** Tries once to take (or keep) the lease. Errors are the caller's to log. */
  async acquire(): Promise<Term | undefined> {
    const { store, clock, id, leaseTtlMs } = this.options;
    const sentAt = clock.now();
    const lease = await store.acquireLeadership(id, leaseTtlMs, sentAt);
    if (lease === undefined || lease.nodeId !== id || this.term !== undefined) return this.term;
    const term: Term = { fence: { nodeId: lease.nodeId, epoch: lease.epoch }, expiresAt: 0, deadline: 0 };
    this.term = term;
    this.extend(term, lease, sentAt);
    return term;
  }

  /** Ends the current term (if any): timers cancelled, `onLost` told unless we stopped. */
  end(reason: StepDownReason, error?: unknown): Term | undefined {
    const term = this.term;
    if (term === undefined) return undefined;
    this.term = undefined;
    this.renewTimer?.cancel();
    this.deadlineTimer?.cancel();
    this.renewTimer = undefined;
    this.deadlineTimer = undefined;
    this.onLost(term, reason, error);
    return term;
  }

  private extend(term: Term, lease: Leadership, sentAt: number): void {
    const { clock, leaseTtlMs, leaseMarginMs, renewEveryMs } = this.options;
    // Count from when we asked, not from when the answer came: the store may have
    // started the lease's clock any time after we sent the request.
    term.expiresAt = Math.min(lease.expiresAt, sentAt + leaseTtlMs);
    term.deadline = term.expiresAt - leaseMarginMs;
    this.deadlineTimer?.cancel();
    this.deadlineTimer = clock.setTimeout(() => {
      if (this.term === term) this.end('lease_deadline');
    }, term.deadline - clock.now());
    this.renewTimer?.cancel();
    this.renewTimer = clock.setTimeout(() => {
      void this.renew(term);
    }, renewEveryMs);
  }

  private async renew(term: Term): Promise<void> {
    const { store, clock, leaseTtlMs, log } = this.options;
    const sentAt = clock.now();
    let lease: Leadership | undefined;
    try {
      lease = await store.renewLeadership(term.fence, leaseTtlMs, sentAt);
    } catch (error) {
      if (this.term === term) this.end('renew_failed', error);
      else log.debug({ err: error }, 'renewal of an ended term failed');
      return;
    }
    // A renewal that answers after its term ended (deadline, stale write) changes nothing.
    if (this.term !== term) return;
    if (lease === undefined || lease.epoch !== term.fence.epoch || lease.nodeId !== term.fence.nodeId) {
      this.end('renew_failed');
      return;
    }
    this.extend(term, lease, sentAt);
  }
}
