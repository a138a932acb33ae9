import type { Store } from '../store/store.js';

export interface SpyStore {
  /** The store to hand to the code under test. */
  store: Store;
  /** The arguments of every call, by method name, in order. */
  calls: Record<string, unknown[][]>;
  /** Methods that replace the inner store's (set them at any time). */
  overrides: Partial<Store>;
}

/** Wraps a store so that its calls are recorded, and its methods may be replaced through `overrides`. */
export function spyStore(inner: Store): SpyStore {
  const calls: Record<string, unknown[][]> = {};
  const overrides: Partial<Store> = {};
  const store = new Proxy(inner, {
    get(target, key) {
      const own = typeof key === 'string' ? (overrides as Record<string, unknown>)[key] : undefined;
      const value: unknown = own ?? Reflect.get(target, key);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      return (...args: unknown[]) => {
        const list = calls[key] ?? [];
        list.push(args);
        calls[key] = list;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls, overrides };
}
