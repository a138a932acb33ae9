import type { Clock } from '../clock/clock.js';
import type { Logger } from '../log/logger.js';
import type { BackoffPolicy } from '../model/job.js';
import { backoffDelay } from './backoff.js';

/**
 * After a failed store call, the next try waits 50 ms, doubling to 2 s: a blip costs a few
 * tens of milliseconds, a long outage one call every 2 s per loop rather than a busy spin.
 */
export const STORE_RETRY: BackoffPolicy = { type: 'exponential', delayMs: 50, maxDelayMs: 2000 };

/**
 * For the worker's and the coordinator's loops, which must outlive a store outage.
 */

/** One loop's wait before its next try of a store call: grows while the call keeps failing. */
export class Backoff {
  private failures = 0;

  get failing(): boolean {
    return this.failures > 0;
  }

  /** The call failed: how long to wait before trying it again. */
  next(): number {
    this.failures++;
    return backoffDelay(STORE_RETRY, this.failures);
  }

  reset(): void {
    this.failures = 0;
  }
}

/**
 * Whether the store answers, as one process's loops see it (a worker's claim, heartbeat and
 * settle; a coordinator's acquire, renew and tick). An
 * outage is logged twice: a warning at its first failed call and an info line when a call
 * answers again. A line per failed call, at one try every 50 ms to 2 s per loop, would bury
 * everything else in the log while telling nothing new.
 */
export class Outage {
  private since: number | undefined;
  private failedCalls = 0;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  failed(during: string, error: unknown): void {
    this.failedCalls++;
    if (this.since !== undefined) return;
    this.since = this.clock.now();
    this.log.warn({ err: error, during }, 'the store does not answer; retrying with backoff until it does');
  }

  answered(): void {
    if (this.since === undefined) return;
    const downMs = this.clock.now() - this.since;
    this.log.info({ downMs, failedCalls: this.failedCalls }, 'the store answers again');
    this.since = undefined;
    this.failedCalls = 0;
  }
}
