import type { StoreSignal } from '../store/store.js';

type Listener = (signal: StoreSignal) => void;

/**
 * The store's `subscribe`. Signals raised while a call runs are gathered and delivered
 * once each, on a microtask: after the call's changes are complete (a listener that reads
 * the store sees them), and never inside the caller's stack (a listener cannot re-enter a
 * half-done call). A listener's errors, thrown or rejected, are swallowed: a broken
 * listener must not fail the write that woke it.
 */
export class Signals {
  private readonly listeners = new Set<Listener>();
  private readonly pending = new Set<StoreSignal>();
  private scheduled = false;

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
    if (this.listeners.size === 0) return;
    this.pending.add(signal);
    if (this.scheduled) return;
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
