import {
  Backoff,
  type Clock,
  type LeaseState,
  type Logger,
  type Settlement,
  type Store,
  type TimerHandle,
} from '@cadenza/core';

interface Pending {
  settlement: Settlement;
  resolve(state: LeaseState): void;
}

export interface SettlementDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  /** How long a settlement may wait for others to share its store call. */
  delayMs: number;
  /** Flush at once when this many are waiting. */
  maxBatch: number;
  /** Told of every settle call the store failed, and of every one it answered. */
  onError(error: unknown): void;
  onAnswer(): void;
}

/**
 * Buffers settlements and writes them in one `store.settle` call per flush: on a short
 * timer (a few ms, so bursts share a round trip), at once when the buffer is full, or at
 * once on every add while the worker shuts down. A failed call keeps its settlements and
 * tries again with backoff (50 ms doubling to 2 s) until the store answers — `ok`, or `lost`
 * when the lease was taken back meanwhile — so an outcome is never dropped while its lease
 * may still stand. Only `close(until)` gives up, at `until` (the worker passes the moment its
 * last lease runs out): by then the coordinator may take the jobs back and run them again,
 * so delivery stays at least once.
 */
export class SettlementBuffer {
  private buffer: Pending[] = [];
  private timer: TimerHandle | undefined;
  /** The one settle call on its way; writes never overlap, so they keep their order. */
  private writing: Promise<void> | undefined;
  /** A flush was asked for while a write was on its way: the next write starts as it answers. */
  private again = false;
  private eager = false;
  private closing = false;
  private readonly backoff = new Backoff();
  private readonly flushOnTimer = (): void => {
    this.timer = undefined;
    this.flushSoon();
  };

  constructor(private readonly deps: SettlementDeps) {}

  get size(): number {
    return this.buffer.length;
  }

  /** Resolves with the store's answer for this settlement. */
  add(settlement: Settlement): Promise<LeaseState> {
    return new Promise<LeaseState>((resolve) => this.push(settlement, resolve));
  }

  /**
   * Buffers a settlement; `done` is called with the store's answer for it (a callback rather
   * than a promise per job: a busy worker settles tens of thousands a second).
   */
  push(settlement: Settlement, done: (state: LeaseState) => void): void {
    this.buffer.push({ settlement, resolve: done });
    // While the store fails, a retry is already due; it takes this settlement along.
    if (this.backoff.failing) return;
    if (this.eager || this.buffer.length >= this.deps.maxBatch) this.flushSoon();
    else this.timer ??= this.deps.clock.setTimeout(this.flushOnTimer, this.deps.delayMs);
  }

  /** Back to flushing on the short timer (a worker started again after a stop). */
  reopen(): void {
    this.eager = false;
    this.backoff.reset();
  }

  /** From now on, flush on every add rather than on the timer (shutdown). */
  setEager(): void {
    this.eager = true;
    if (this.buffer.length > 0 && !this.backoff.failing) this.flushSoon();
  }

  /** Writes everything buffered now; resolves when the store answered (or failed). */
  async flush(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
    if (this.buffer.length === 0) return;
    await this.startWrite();
  }

  /**
   * Flushes, trying again with backoff until everything is answered or `until` (epoch ms)
   * has passed; whatever is still unwritten then is answered `lost`.
   */
  async close(until: number): Promise<void> {
    // From here this loop does the retrying, not a timer.
    this.closing = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.flush();
    const { clock } = this.deps;
    while (this.buffer.length > 0 && clock.now() < until) {
      await clock.sleep(Math.min(this.backoff.next(), until - clock.now()));
      await this.flush();
    }
    this.closing = false;
    const left = this.buffer;
    this.buffer = [];
    if (left.length > 0) {
      this.deps.log.error(
        { jobs: left.map((p) => p.settlement.jobId) },
        'settlements could not be written; their jobs run again after their leases expire',
      );
    }
    for (const p of left) p.resolve('lost');
  }

  /**
   * Writes now, or — while a write is on its way — as soon as it answers: one settle call at
   * a time, however many settlements arrive meanwhile (a full buffer asks on every add).
   */
  private flushSoon(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.writing !== undefined) {
      this.again = true;
      return;
    }
    this.startWrite().catch((error: unknown) => this.deps.onError(error));
  }

  private startWrite(): Promise<void> {
    const writing = this.write().finally(() => {
      this.writing = undefined;
      if (!this.again) return;
      this.again = false;
      if (this.buffer.length > 0 && !this.backoff.failing && !this.closing) this.flushSoon();
    });
    this.writing = writing;
    return writing;
  }

  private async write(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    const settlements: Settlement[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) settlements[i] = (batch[i] as Pending).settlement;
    let states: LeaseState[];
    try {
      states = await this.deps.store.settle(settlements, this.deps.clock.now());
    } catch (error) {
      // Kept, in order, ahead of anything added since: tried again until the store answers.
      this.buffer = batch.concat(this.buffer);
      this.deps.onError(error);
      this.timer?.cancel();
      this.timer = undefined;
      if (!this.closing) this.timer = this.deps.clock.setTimeout(this.flushOnTimer, this.backoff.next());
      return;
    }
    this.backoff.reset();
    this.deps.onAnswer();
    for (let i = 0; i < batch.length; i++) (batch[i] as Pending).resolve(states[i] ?? 'lost');
  }
}
