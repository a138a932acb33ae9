// STUB — replaced by the memory store's real implementation.
import type { Store } from '../store/store.js';

export interface MemoryStoreOptions {
  /** Relative weights for fair service between tenants; default 1 each. */
  tenantWeights?: Record<string, number>;
}
export function createMemoryStore(_options: MemoryStoreOptions = {}): Store {
  throw new Error('not implemented');
}
