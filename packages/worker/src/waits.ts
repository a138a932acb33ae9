import type { Clock, TimerHandle } from '@cadenza/core';

/** Resolves when `promise` settles or `signal` aborts, whichever is first. Never rejects. */
export function untilSettledOrAborted(promise: Promise<unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    promise.then(done, done);
  });
}

/** Resolves when `promise` settles or after `ms` on `clock`, whichever is first. Never rejects. */
export function within(clock: Clock, ms: number, promise: Promise<unknown>): Promise<void> {
  return new Promise<void>((resolve) => {
    let timer: TimerHandle | undefined;
    const done = (): void => {
      timer?.cancel();
      resolve();
    };
    timer = clock.setTimeout(done, ms);
    promise.then(done, done);
  });
}
