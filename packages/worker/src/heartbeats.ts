import {
  Backoff,
  type Clock,
  type HeartbeatEntry,
  type LeaseState,
  type Logger,
  type Store,
  type TimerHandle,
} from '@cadenza/core';
import type { Attempt } from './attempt.js';

export interface HeartbeatDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  leaseMs: number;
  everyMs: number;
  /** Every attempt that holds a lease right now. */
  leases(): Iterable<Attempt>;
  /** Told of each lease the store no longer lets us hold. */
  onLeaseState(attempt: Attempt, state: Exclude<LeaseState, 'ok'>): void;
  /** Told of every heartbeat call the store failed, and of every one it answered. */
  onError(error: unknown): void;
  onAnswer(): void;
}

/**
 * Keeps this worker's leases alive with one `store.heartbeat` call for all of them per
 * interval, so a networked store spends one round trip however many jobs run. Calls that
 * come while one is being prepared share it (`ctx.heartbeat()` from many handlers at once).
 *
 * A failed call is tried again with backoff (50 ms doubling, never later than the regular
 * interval), so a short outage costs no lease. A handler is stopped only once its lease has
 * really run out — `sentAt + leaseMs` of the last heartbeat the store accepted, which is
 * the expiry the store itself computed — and then at that instant, not at the next tick.
 */
export class Heartbeats {
  private timer: TimerHandle | undefined;
  private enabled = false;
  private queued: Promise<void> | undefined;
  private readonly backoff = new Backoff();

  constructor(private readonly deps: HeartbeatDeps) {}

  /** Heartbeats run while started, and their timer only while some lease is held. */
  start(): void {
    this.enabled = true;
    this.poke();
  }

  stop(): void {
    this.enabled = false;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** A lease was taken: make sure the timer runs. */
  poke(): void {
    if (this.enabled && this.timer === undefined && this.hasLeases()) this.arm(this.deps.everyMs);
  }

  /** Heartbeats every lease soon (after the current microtasks); rejects if the store fails. */
  now(): Promise<void> {
    this.queued ??= Promise.resolve().then(() => {
      this.queued = undefined;
      return this.send();
    });
    return this.queued;
  }

  private hasLeases(): boolean {
    return !this.deps.leases()[Symbol.iterator]().next().done;
  }

  private arm(afterMs: number): void {
    this.timer = this.deps.clock.setTimeout(() => {
      let nextMs = this.deps.everyMs;
      this.now()
        .then(
          () => this.backoff.reset(),
          () => {
            nextMs = Math.min(this.backoff.next(), this.deps.everyMs);
          },
        )
        .finally(() => {
          this.timer = undefined;
          this.expireLapsed();
          if (this.enabled && this.hasLeases()) this.arm(Math.min(nextMs, this.untilFirstExpiry()));
        });
    }, afterMs);
  }

  /** Time until the first lease of an attempt still to be stopped runs out (at least 1 ms). */
  private untilFirstExpiry(): number {
    let first = Number.POSITIVE_INFINITY;
    for (const attempt of this.deps.leases()) {
      if (attempt.state !== 'finished' && attempt.abortReason === undefined) {
        first = Math.min(first, attempt.leaseExpiresAt);
      }
    }
    return Math.max(1, first - this.deps.clock.now());
  }

  /**
   * A lease we could not renew (the store unreachable) has lapsed by now: the coordinator
   * may hand the job to another worker, so this one stops it rather than run it twice.
   */
  private expireLapsed(): void {
    const now = this.deps.clock.now();
    for (const attempt of [...this.deps.leases()]) {
      if (attempt.state !== 'finished' && attempt.leaseExpiresAt <= now) this.deps.onLeaseState(attempt, 'lost');
    }
  }

  private async send(): Promise<void> {
    const attempts = [...this.deps.leases()];
    if (attempts.length === 0) return;
    const entries: HeartbeatEntry[] = attempts.map((a) => {
      const entry: HeartbeatEntry = { jobId: a.id, token: a.token };
      if (a.progressDirty) entry.progress = a.progress;
      return entry;
    });
    const sentProgress = attempts.map((a) => a.progress);
    const sentAt = this.deps.clock.now();
    let states: LeaseState[];
    try {
      states = await this.deps.store.heartbeat(entries, this.deps.leaseMs, sentAt);
    } catch (error) {
      this.deps.onError(error);
      throw error;
    }
    this.deps.onAnswer();
    attempts.forEach((attempt, i) => {
      // Progress recorded while the call was in flight is still to be sent.
      attempt.progressSent(sentProgress[i]);
      const state = states[i];
      if (state === 'ok') attempt.leaseRenewed(sentAt + this.deps.leaseMs);
      else if (state === 'canceled' || state === 'lost') this.deps.onLeaseState(attempt, state);
    });
  }
}
