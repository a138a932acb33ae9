import { type Clock, realClock } from '../clock/clock.js';
import { invalidArgument } from '../errors.js';
import type { BackoffPolicy } from '../model/job.js';
import { backoffDelay } from './backoff.js';

/** How often to try, and how long to wait between tries. */
export interface RetryPolicy {
  /** Attempts in all, the first included: an integer ≥ 1, or Infinity to retry until aborted. */
  maxAttempts: number;
  backoff: BackoffPolicy;
}

export interface RetryOptions {
  /** Time source for the waits between attempts; tests pass a FakeClock. */
  clock?: Clock;
  /** Aborting stops at once: no further attempt, and a wait in progress ends. */
  signal?: AbortSignal;
  /** Random numbers in [0, 1) for jitter. */
  random?: () => number;
  /** Return false to give up on this error at once (it is rethrown). */
  shouldRetry?(error: unknown, attempt: number): boolean | Promise<boolean>;
  /** Called before each wait, with the error of the attempt that failed and the wait ahead. */
  onRetry?(error: unknown, attempt: number, delayMs: number): void | Promise<void>;
}

/** The function to retry: it gets the attempt number (from 1) and the caller's signal. */
export type RetryFn<T> = (attempt: number, signal: AbortSignal | undefined) => Promise<T>;

/**
 * Node runs a timer longer than 2^31-1 ms after 1 ms instead, so a long wait is slept in
 * pieces no longer than that.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `fn` until it resolves, waiting `backoffDelay` between attempts. Rejects with the
 * last error once `maxAttempts` are spent or `shouldRetry` says no, and with the signal's
 * reason as soon as the signal aborts (checked before each attempt, after a failed one,
 * and during the wait). An attempt already running is not interrupted: `fn` gets the
 * signal to watch.
 */
export async function retry<T>(fn: RetryFn<T>, policy: RetryPolicy, options: RetryOptions = {}): Promise<T> {
  const { maxAttempts } = policy;
  if (!(maxAttempts === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxAttempts) && maxAttempts >= 1))) {
    throw invalidArgument('maxAttempts', maxAttempts, 'an integer of at least 1, or Infinity');
  }
  const { clock = realClock, signal, random = Math.random } = options;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt, signal);
    } catch (error) {
      signal?.throwIfAborted();
      if (attempt >= maxAttempts) throw error;
      if (options.shouldRetry !== undefined && !(await options.shouldRetry(error, attempt))) throw error;
      const delayMs = backoffDelay(policy.backoff, attempt, random);
      await options.onRetry?.(error, attempt, delayMs);
      await sleepLong(clock, delayMs, signal);
    }
  }
}

async function sleepLong(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  let remaining = ms;
  do {
    const step = Math.min(remaining, MAX_TIMER_MS);
    await clock.sleep(step, signal);
    remaining -= step;
  } while (remaining > 0);
}
