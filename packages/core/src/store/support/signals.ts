import type { StoreSignal } from '../store.js';

type Listener = (signal: StoreSignal) => void;

/**
 * For store implementations: the listener hub behind a store's `subscribe`. Signals raised
 * while a call runs are gathered and delivered once each, on a microtask: after the call's
 * changes are complete (a listener that reads the store sees them; a transactional store
 * hands its signals over only after the commit), and never inside the caller's stack (a
 * listener cannot re-enter a half-done call). A listener's errors, thrown or rejected, are
 * swallowed: a broken listener must not fail the write that woke it.
 */
export class StoreSignals {
  private readonly listeners = new Set<Listener>();
  private readonly pending = new Set<StoreSignal>();
  private scheduled = false;

  /** Whether anybody listens: lets a store skip work (e.g. a due-time check) nobody needs. */
  get listening(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: Listener): () => void {
    // A wrapper per subscription, so that subscribing one function twice gives two
    // independent subscriptions.
    const entry: Listener = (signal) => listener(signal);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  emit(signal: StoreSignal): void {
    this.emitAll([signal]);
  }

  /** Emits a call's gathered signals at once (nothing happens for none). */
  emitAll(signals: Iterable<StoreSignal>): void {
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
          // Swallowed on purpose: see the class comment.
        }
      }
    }
  }
}
