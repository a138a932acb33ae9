import type { StoreSignal } from '@cadenza/core';

type Listener = (signal: StoreSignal) => void;

/**
 * The store's `subscribe`, for listeners in this process. A call gathers its signals while
 * its transaction runs and hands them over only after the commit (`emit` after the
 * transaction returned); delivery is on a microtask, once per signal, never inside the
 * caller's stack. A listener's errors, thrown or rejected, are swallowed. Other processes
 * on the same file are not told: their loops poll.
 */
export class Signals {
  private readonly listeners = new Set<Listener>();
  private readonly pending = new Set<StoreSignal>();
  private scheduled = false;

  get listening(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: Listener): () => void {
    const entry: Listener = (signal) => listener(signal);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  emit(signals: Iterable<StoreSignal>): void {
    if (this.listeners.size === 0) return;
    for (const signal of signals) this.pending.add(signal);
    if (this.scheduled || this.pending.size === 0) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  clear(): void {
    this.listeners.clear();
    this.pending.clear();
  }

  private flush(): void {
    this.scheduled = false;
    const signals = [...this.pending];
    this.pending.clear();
    for (const signal of signals) {
      for (const listener of [...this.listeners]) {
        try {
          const result: unknown = listener(signal);
          if (result instanceof Promise) result.catch(() => {});
        } catch {
          // Swallowed on purpose: a broken listener must not fail the write that woke it.
        }
      }
    }
  }
}
