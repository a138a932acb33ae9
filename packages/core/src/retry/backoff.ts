import type { BackoffPolicy } from '../model/job.js';
import { MAX_DURATION_MS } from '../schemas/limits.js';

/**
 * Delay in ms before the attempt that follows attempt `attempt` (1-based) failing:
 *
 *   fixed        delayMs
 *   linear       delayMs × attempt
 *   exponential  delayMs × 2^(attempt-1)
 *
 * capped at `maxDelayMs`, then jittered: `none` as is, `full` random in [0, d),
 * `equal` d/2 + random in [0, d/2) — so that clients failing together spread out
 * instead of retrying in lockstep. The result is a whole number of ms, rounded down.
 *
 * Guards, since a policy may come from anywhere: the result never exceeds
 * MAX_DURATION_MS (100 years) even when 2^(attempt-1) overflows to Infinity, a negative
 * or non-finite delay counts as 0, an attempt below 1 counts as 1, and `random` is
 * clamped to [0, 1].
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Number.isFinite(policy.delayMs) && policy.delayMs > 0 ? policy.delayMs : 0;
  const n = Number.isFinite(attempt) && attempt > 1 ? Math.floor(attempt) : 1;
  let delay: number;
  switch (policy.type) {
    case 'linear':
      delay = base * n;
      break;
    case 'exponential':
      // A large power is Infinity, which the cap below absorbs; 0 × Infinity would be NaN.
      delay = base === 0 ? 0 : base * 2 ** Math.min(n - 1, 1100);
      break;
    default:
      delay = base;
  }
  const max = policy.maxDelayMs;
  const cap = max !== undefined && Number.isFinite(max) && max >= 0 ? Math.min(max, MAX_DURATION_MS) : MAX_DURATION_MS;
  delay = Math.min(delay, cap);
  switch (policy.jitter) {
    case 'full':
      delay = unit(random) * delay;
      break;
    case 'equal':
      delay = delay / 2 + (unit(random) * delay) / 2;
      break;
    default:
      break;
  }
  return Math.floor(delay);
}

function unit(random: () => number): number {
  const r = random();
  return Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
}
