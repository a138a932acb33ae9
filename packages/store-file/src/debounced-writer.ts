import type { Clock, TimerHandle } from '@cadenza/core';

const MAX_RETRY_MS = 5_000;

/**
 * Turns "the state changed" into writes, at most one per `delayMs`:
 *
 *   change ──► dirty, timer armed (delayMs) ──► write ──► still dirty? arm again (delayMs)
 *                    ▲ more changes: nothing          └─ failed: dirty, arm (backoff ≤ 5 s)
 *
 * A burst of changes gives one write `delayMs` after its first change, and one more for what
 * changed while that write ran. Writes never overlap. A failed write is reported to
 * `onError` and retried with a growing delay; the last failure is kept (`failure`) until a
 * write succeeds. `flush` writes what is pending now and rejects if that write fails.
 */
export class DebouncedWriter {
  private dirty = false;
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private failures = 0;
  private lastError: unknown;
  private stopped = false;

  constructor(
    private readonly write: () => Promise<void>,
    private readonly delayMs: number,
    private readonly clock: Pick<Clock, 'setTimeout'>,
    private readonly onError: (error: unknown, failures: number) => void,
  ) {}

  /** The last write's error, while no write has succeeded since. */
  get failure(): unknown {
    return this.lastError;
  }

  get pending(): boolean {
    return this.dirty;
  }

  changed(): void {
    this.dirty = true;
    if (this.timer === undefined && this.running === undefined && !this.stopped) this.arm(this.delayMs);
  }

  /** Writes whatever is pending (waiting for a write in progress first); rejects if the write fails. */
  async flush(): Promise<void> {
    for (;;) {
      this.timer?.cancel();
      this.timer = undefined;
      if (this.running === undefined) break;
      await this.running; // it may arm the timer again: cancelled on the next turn
    }
    if (!this.dirty) return;
    await this.run();
    if (this.dirty && this.lastError !== undefined) throw this.lastError;
  }

  /** Stops the timer for good: after this, only `flush` writes. */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.dirty) this.run().catch(() => {}); // failures are kept in lastError and reported by onError
    }, ms);
  }

  private async run(): Promise<void> {
    if (this.running !== undefined) return this.running;
    this.running = this.writeOnce();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    if (this.dirty && !this.stopped && this.timer === undefined) {
      const delay = this.failures === 0 ? this.delayMs : Math.min(MAX_RETRY_MS, this.delayMs * 2 ** this.failures);
      this.arm(Math.max(delay, this.failures === 0 ? 0 : 50));
    }
  }

  private async writeOnce(): Promise<void> {
    this.dirty = false;
    try {
      await this.write();
      this.failures = 0;
      this.lastError = undefined;
    } catch (error) {
      this.dirty = true;
      this.failures += 1;
      this.lastError = error;
      this.onError(error, this.failures);
    }
  }
}
