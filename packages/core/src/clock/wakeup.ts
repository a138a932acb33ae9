import type { Clock, TimerHandle } from './clock.js';

/** Node's timers overflow above 2^31 - 1 ms (and then fire at once); never ask for more. */
const MAX_WAIT_MS = 2_147_483_647;

/**
 * A sleep that ends early when woken. A `wake()` that comes while nobody sleeps is kept
 * (one pending flag), so that a signal arriving between "look at the store" and "go to
 * sleep" is never lost; `clear()` drops it at the start of a pass that will see the same
 * work anyway. Time comes from the injected clock only.
 */
export class Wakeup {
  private pending = false;
  private waiter: (() => void) | undefined;

  wake(): void {
    const waiter = this.waiter;
    if (waiter === undefined) {
      this.pending = true;
      return;
    }
    waiter();
  }

  clear(): void {
    this.pending = false;
  }

  /** Resolves after `ms` or at the first `wake()`, whichever comes first. Never rejects. */
  wait(clock: Clock, ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      let timer: TimerHandle | undefined;
      const done = (): void => {
        if (this.waiter !== done) return;
        this.waiter = undefined;
        timer?.cancel();
        resolve();
      };
      this.waiter = done;
      timer = clock.setTimeout(done, Math.min(Math.max(0, ms), MAX_WAIT_MS));
    });
  }
}
