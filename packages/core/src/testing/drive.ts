import { type FakeClock, flushPromises } from '../clock/fake-clock.js';

const HOUR = 3_600_000;

/**
 * Moves the fake clock timer by timer until `promise` settles, and returns (or throws) what
 * it settled with. Fails once the next timer lies more than `maxMs` of fake time ahead, or
 * when there is no timer left to wait for.
 */
export async function drive<T>(clock: FakeClock, promise: Promise<T>, maxMs = HOUR): Promise<T> {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  tracked.catch(() => {});
  const limit = clock.now() + maxMs;
  await flushPromises();
  while (!done) {
    const next = clock.nextTimerAt();
    if (next === undefined || next > limit) {
      throw new Error(`not settled within ${maxMs} ms of fake time (next timer: ${next ?? 'none'})`);
    }
    await clock.advanceTo(Math.max(next, clock.now()));
  }
  return tracked;
}
