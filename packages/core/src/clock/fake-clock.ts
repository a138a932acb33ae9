import { type Clock, sleepOn, type TimerHandle } from './clock.js';

interface PendingTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that only moves when a test moves it. Timers fire in order of due time (then
 * of creation), and between timers the promise queue is drained, so that async code
 * woken by one timer can schedule the next before time moves on.
 */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: PendingTimer[] = [];

  constructor(start: number | Date | string = Date.UTC(2026, 0, 1)) {
    this.current = typeof start === 'number' ? start : new Date(start).getTime();
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: PendingTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return {
      cancel: () => {
        this.timers = this.timers.filter((t) => t !== timer);
      },
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Number of timers waiting to fire. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Due time of the earliest timer, if any. */
  nextTimerAt(): number | undefined {
    return this.earliest()?.at;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  /** Moves time forward to `target` (ms or Date), firing due timers in order. */
  async advanceTo(target: number | Date): Promise<void> {
    const until = typeof target === 'number' ? target : target.getTime();
    await flushPromises();
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.at > until) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.at);
      next.fn();
      await flushPromises();
    }
    this.current = Math.max(this.current, until);
    await flushPromises();
  }

  /**
   * Steps the wall clock without firing timers, as an operator or NTP would: forwards or
   * backwards. Pending timers keep their due instants.
   */
  set(to: number | Date): void {
    this.current = typeof to === 'number' ? to : to.getTime();
  }

  /** Runs timers that are due now and drains the promise queue. */
  async tick(): Promise<void> {
    await this.advanceTo(this.current);
  }

  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (best === undefined || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}

/** Lets every pending promise callback run (several macrotask turns deep). */
export async function flushPromises(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
