/**
 * A tiny typed event emitter. Listeners run synchronously in the order they were added;
 * one that throws is reported to `onListenerError` and never reaches the emitting loop,
 * so a test's or an operator's listener cannot break the scheduler.
 */
export type Listener<T> = (event: T) => void;

export class Emitter<Events extends object> {
  private readonly listeners: { [K in keyof Events]?: Set<Listener<Events[K]>> } = {};

  constructor(private readonly onListenerError: (error: unknown, event: string) => void) {}

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events & string>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners[event];
    if (set === undefined) {
      set = new Set();
      this.listeners[event] = set;
    }
    set.add(listener);
    return () => {
      this.listeners[event]?.delete(listener);
    };
  }

  /** Resolves with the next event of this kind that passes `predicate` (all when absent). */
  once<K extends keyof Events & string>(event: K, predicate?: (event: Events[K]) => boolean): Promise<Events[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (payload) => {
        if (predicate !== undefined && !predicate(payload)) return;
        off();
        resolve(payload);
      });
    });
  }

  emit<K extends keyof Events & string>(event: K, payload: Events[K]): void {
    const set = this.listeners[event];
    if (set === undefined || set.size === 0) return;
    if (set.size === 1) {
      // The common case, without copying the set (emitted per job on a busy worker).
      this.call(set.values().next().value as Listener<Events[K]>, event, payload);
      return;
    }
    // Those listening when the event came: one added or removed by a listener does not change that.
    for (const listener of [...set]) this.call(listener, event, payload);
  }

  private call<K extends keyof Events & string>(listener: Listener<Events[K]>, event: K, payload: Events[K]): void {
    try {
      listener(payload);
    } catch (error) {
      this.onListenerError(error, event);
    }
  }
}
