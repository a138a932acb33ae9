import { describe, expect, it } from 'vitest';
import type { BackoffPolicy } from '../model/job.js';
import { MAX_DURATION_MS } from '../schemas/limits.js';
import { backoffDelay } from './backoff.js';

const fixed =
  (random = 0.5): (() => number) =>
  () =>
    random;

describe('backoffDelay', () => {
  it.each([
    ['fixed', [100, 100, 100, 100]],
    ['linear', [100, 200, 300, 400]],
    ['exponential', [100, 200, 400, 800]],
  ] as const)('%s grows as the formula says', (type, expected) => {
    const policy: BackoffPolicy = { type, delayMs: 100 };
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(policy, attempt))).toEqual(expected);
  });

  it('caps at maxDelayMs', () => {
    const policy: BackoffPolicy = { type: 'exponential', delayMs: 100, maxDelayMs: 350 };
    expect([1, 2, 3, 4, 50].map((attempt) => backoffDelay(policy, attempt))).toEqual([100, 200, 350, 350, 350]);
    expect(backoffDelay({ type: 'linear', delayMs: 100, maxDelayMs: 250 }, 3)).toBe(250);
  });

  it('jitter none keeps the delay, whatever random says', () => {
    expect(backoffDelay({ type: 'fixed', delayMs: 100, jitter: 'none' }, 1, fixed(0.9))).toBe(100);
  });

  it('jitter full spreads over [0, d)', () => {
    const policy: BackoffPolicy = { type: 'exponential', delayMs: 100, jitter: 'full' };
    expect(backoffDelay(policy, 3, fixed(0))).toBe(0);
    expect(backoffDelay(policy, 3, fixed(0.25))).toBe(100);
    expect(backoffDelay(policy, 3, fixed(0.999))).toBe(399);
  });

  it('jitter equal spreads over [d/2, d)', () => {
    const policy: BackoffPolicy = { type: 'fixed', delayMs: 101, jitter: 'equal' };
    expect(backoffDelay(policy, 1, fixed(0))).toBe(50);
    expect(backoffDelay(policy, 1, fixed(0.5))).toBe(75);
    expect(backoffDelay(policy, 1, fixed(0.999))).toBe(100);
  });

  it('jitter applies after the cap', () => {
    const policy: BackoffPolicy = { type: 'exponential', delayMs: 1000, maxDelayMs: 2000, jitter: 'full' };
    expect(backoffDelay(policy, 10, fixed(0.5))).toBe(1000);
  });

  it('rounds down to whole milliseconds', () => {
    expect(backoffDelay({ type: 'fixed', delayMs: 10, jitter: 'full' }, 1, fixed(0.33))).toBe(3);
    expect(Number.isInteger(backoffDelay({ type: 'fixed', delayMs: 7, jitter: 'equal' }, 1, Math.random))).toBe(true);
  });

  it('uses Math.random by default, within bounds', () => {
    for (let i = 0; i < 50; i++) {
      const delay = backoffDelay({ type: 'fixed', delayMs: 100, jitter: 'equal' }, 1);
      expect(delay).toBeGreaterThanOrEqual(50);
      expect(delay).toBeLessThanOrEqual(100);
    }
  });

  it('does not overflow: huge attempts stay finite, capped at MAX_DURATION_MS', () => {
    expect(backoffDelay({ type: 'exponential', delayMs: 1000 }, 5000)).toBe(MAX_DURATION_MS);
    expect(backoffDelay({ type: 'exponential', delayMs: 1000, maxDelayMs: 60_000 }, 5000)).toBe(60_000);
    expect(backoffDelay({ type: 'linear', delayMs: 1e15 }, 1e6)).toBe(MAX_DURATION_MS);
    expect(backoffDelay({ type: 'exponential', delayMs: 0 }, 5000)).toBe(0);
    expect(backoffDelay({ type: 'exponential', delayMs: 1000, jitter: 'full' }, 5000, fixed(0.5))).toBe(
      Math.floor(MAX_DURATION_MS / 2),
    );
  });

  it('tolerates odd inputs instead of returning NaN', () => {
    expect(backoffDelay({ type: 'fixed', delayMs: -5 }, 1)).toBe(0);
    expect(backoffDelay({ type: 'fixed', delayMs: Number.NaN }, 1)).toBe(0);
    expect(backoffDelay({ type: 'exponential', delayMs: 100 }, 0)).toBe(100);
    expect(backoffDelay({ type: 'linear', delayMs: 100 }, Number.NaN)).toBe(100);
    expect(backoffDelay({ type: 'fixed', delayMs: 100, jitter: 'full' }, 1, fixed(Number.NaN))).toBe(0);
    expect(backoffDelay({ type: 'fixed', delayMs: 100, jitter: 'full' }, 1, fixed(7))).toBe(100);
  });
});
