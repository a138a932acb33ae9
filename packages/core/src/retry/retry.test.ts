import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../clock/fake-clock.js';
import { CadenzaError } from '../errors.js';
import { type RetryPolicy, retry } from './retry.js';

const START = Date.UTC(2026, 0, 1);
const exponential: RetryPolicy = { maxAttempts: 4, backoff: { type: 'exponential', delayMs: 100 } };

/** A function failing `failures` times, then resolving 'ok'; records when each attempt ran. */
function flaky(clock: FakeClock, failures: number) {
  const at: number[] = [];
  const fn = vi.fn(async (attempt: number) => {
    at.push(clock.now() - START);
    if (attempt <= failures) throw new Error(`failure ${attempt}`);
    return 'ok';
  });
  return { fn, at };
}

describe('retry', () => {
  it('returns at once when the first attempt succeeds', async () => {
    const clock = new FakeClock(START);
    const { fn, at } = flaky(clock, 0);
    await expect(retry(fn, exponential, { clock })).resolves.toBe('ok');
    expect(at).toEqual([0]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('retries at the instants the backoff gives', async () => {
    const clock = new FakeClock(START);
    const { fn, at } = flaky(clock, 3);
    const result = retry(fn, exponential, { clock });
    await clock.advance(99);
    expect(at).toEqual([0]);
    await clock.advance(1);
    expect(at).toEqual([0, 100]);
    await clock.advance(599);
    expect(at).toEqual([0, 100, 300]);
    await clock.advance(1);
    expect(at).toEqual([0, 100, 300, 700]);
    await expect(result).resolves.toBe('ok');
    expect(fn.mock.calls.map(([attempt]) => attempt)).toEqual([1, 2, 3, 4]);
  });

  it('passes the attempt number and the signal to fn', async () => {
    const clock = new FakeClock(START);
    const controller = new AbortController();
    const seen: [number, AbortSignal | undefined][] = [];
    const result = retry(
      async (attempt, signal) => {
        seen.push([attempt, signal]);
        if (attempt === 1) throw new Error('once');
        return attempt;
      },
      exponential,
      { clock, signal: controller.signal },
    );
    await clock.advance(100);
    await expect(result).resolves.toBe(2);
    expect(seen).toEqual([
      [1, controller.signal],
      [2, controller.signal],
    ]);
  });

  it('rethrows the last error when the attempts are spent', async () => {
    const clock = new FakeClock(START);
    const { fn, at } = flaky(clock, 10);
    const result = retry(fn, exponential, { clock }).catch((error: unknown) => error);
    await clock.advance(10_000);
    expect(await result).toMatchObject({ message: 'failure 4' });
    expect(at).toEqual([0, 100, 300, 700]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('maxAttempts 1 means no retry', async () => {
    const clock = new FakeClock(START);
    const { fn } = flaky(clock, 1);
    await expect(retry(fn, { ...exponential, maxAttempts: 1 }, { clock })).rejects.toThrow('failure 1');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('uses jitter with the injected random', async () => {
    const clock = new FakeClock(START);
    const { fn, at } = flaky(clock, 2);
    const policy: RetryPolicy = { maxAttempts: 3, backoff: { type: 'fixed', delayMs: 1000, jitter: 'full' } };
    const result = retry(fn, policy, { clock, random: () => 0.25 });
    await clock.advance(1000);
    await expect(result).resolves.toBe('ok');
    expect(at).toEqual([0, 250, 500]);
  });

  it('gives up at once when shouldRetry says no, and asks with the error and attempt', async () => {
    const clock = new FakeClock(START);
    const { fn } = flaky(clock, 10);
    const shouldRetry = vi.fn((_error: unknown, attempt: number) => attempt < 2);
    const result = retry(fn, exponential, { clock, shouldRetry }).catch((error: unknown) => error);
    await clock.advance(10_000);
    expect(await result).toMatchObject({ message: 'failure 2' });
    expect(fn).toHaveBeenCalledTimes(2);
    expect(shouldRetry.mock.calls.map(([error, attempt]) => [(error as Error).message, attempt])).toEqual([
      ['failure 1', 1],
      ['failure 2', 2],
    ]);
  });

  it('calls onRetry before each wait with the error, the attempt and the delay', async () => {
    const clock = new FakeClock(START);
    const { fn } = flaky(clock, 2);
    const onRetry = vi.fn();
    const result = retry(fn, exponential, { clock, onRetry });
    await clock.advance(1000);
    await expect(result).resolves.toBe('ok');
    expect(onRetry.mock.calls.map(([error, attempt, delay]) => [(error as Error).message, attempt, delay])).toEqual([
      ['failure 1', 1, 100],
      ['failure 2', 2, 200],
    ]);
  });

  it('stops during the backoff wait when the signal aborts, with its reason', async () => {
    const clock = new FakeClock(START);
    const { fn } = flaky(clock, 10);
    const controller = new AbortController();
    const result = retry(fn, exponential, { clock, signal: controller.signal }).catch((error: unknown) => error);
    await clock.advance(50);
    expect(clock.pendingTimers).toBe(1);
    const reason = new Error('shutting down');
    controller.abort(reason);
    expect(await result).toBe(reason);
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(10_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('does not start when the signal has already aborted', async () => {
    const clock = new FakeClock(START);
    const { fn } = flaky(clock, 0);
    const reason = new Error('too late');
    await expect(retry(fn, exponential, { clock, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
  });

  it('does not retry an attempt that failed after the signal aborted', async () => {
    const clock = new FakeClock(START);
    const controller = new AbortController();
    const reason = new Error('canceled');
    const fn = vi.fn(async () => {
      controller.abort(reason);
      throw new Error('aborted fetch');
    });
    await expect(retry(fn, exponential, { clock, signal: controller.signal })).rejects.toBe(reason);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('retries until aborted when maxAttempts is Infinity', async () => {
    const clock = new FakeClock(START);
    const { fn } = flaky(clock, 20);
    const policy: RetryPolicy = { maxAttempts: Number.POSITIVE_INFINITY, backoff: { type: 'fixed', delayMs: 10 } };
    const result = retry(fn, policy, { clock });
    await clock.advance(200);
    await expect(result).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(21);
  });

  it('sleeps waits longer than a Node timer allows in pieces, on time', async () => {
    const clock = new FakeClock(START);
    const { fn, at } = flaky(clock, 1);
    const long = 3 * 2 ** 31;
    const result = retry(fn, { maxAttempts: 2, backoff: { type: 'fixed', delayMs: long } }, { clock });
    await clock.advance(long - 1);
    expect(at).toEqual([0]);
    await clock.advance(1);
    await expect(result).resolves.toBe('ok');
    expect(at).toEqual([0, long]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses maxAttempts %s with invalid_argument', async (maxAttempts) => {
    const fn = vi.fn(async () => 'ok');
    const error = await retry(fn, { maxAttempts, backoff: { type: 'fixed', delayMs: 0 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CadenzaError);
    expect(error).toMatchObject({ code: 'invalid_argument', field: 'maxAttempts' });
    expect(fn).not.toHaveBeenCalled();
  });
});
