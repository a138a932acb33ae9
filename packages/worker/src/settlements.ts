import type { Clock, LeaseState, Logger, Settlement, Store, TimerHandle } from '@cadenza/core';

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
  /** How long to wait before trying again after the store failed. */
  retryMs: number;
  onError(error: unknown): void;
}

/**
 * Buffers settlements and writes them in one `store.settle` call per flush: on a short
 * timer (a few ms, so bursts share a round trip), at once when the buffer is full, or at
 * once on every add while the worker shuts down. A failed call keeps its settlements and
 * tries again; `close()` gives up on them (their leases expire and the coordinator
 * takes the jobs back, so delivery stays at least once).
 */
export class SettlementBuffer {
  private buffer: Pending[] = [];
  private timer: TimerHandle | undefined;
  private flushing: Promise<void> | undefined;
  private eager = false;

  constructor(private readonly deps: SettlementDeps) {}

  get size(): number {
    return this.buffer.length;
  }

  /** Resolves with the store's answer for this settlement. */
  add(settlement: Settlement): Promise<LeaseState> {
    return new Promise<LeaseState>((resolve) => {
      this.buffer.push({ settlement, resolve });
      if (this.eager || this.buffer.length >= this.deps.maxBatch) this.flushSoon();
      else this.timer ??= this.deps.clock.setTimeout(() => this.flushSoon(), this.deps.delayMs);
    });
  }

  /** Back to flushing on the short timer (a worker started again after a stop). */
  reopen(): void {
    this.eager = false;
  }

  /** From now on, flush on every add rather than on the timer (shutdown). */
  setEager(): void {
    this.eager = true;
    if (this.buffer.length > 0) this.flushSoon();
  }

  /** Writes everything buffered now; resolves when the store answered (or failed). */
  async flush(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
    if (this.buffer.length === 0) return;
    this.flushing = this.write();
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  /** Flushes once more; whatever still cannot be written is answered `lost`. */
  async close(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    await this.flush();
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

  private flushSoon(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.flush().catch((error: unknown) => this.deps.onError(error));
  }

  private async write(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    let states: LeaseState[];
    try {
      states = await this.deps.store.settle(
        batch.map((p) => p.settlement),
        this.deps.clock.now(),
      );
    } catch (error) {
      this.buffer = [...batch, ...this.buffer];
      this.deps.onError(error);
      if (!this.eager) this.timer ??= this.deps.clock.setTimeout(() => this.flushSoon(), this.deps.retryMs);
      return;
    }
    batch.forEach((p, i) => {
      p.resolve(states[i] ?? 'lost');
    });
  }
}
