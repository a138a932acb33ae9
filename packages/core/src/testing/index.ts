// STUB — replaced by the conformance suite.
import type { Store } from '../store/store.js';

export interface StoreHarness {
  /** A fresh, empty store. */
  create(): Promise<Store>;
}
/** States every behaviour of SPEC.md's job lifecycle and schedules against a store. */
export function runStoreConformance(_name: string, _harness: StoreHarness): void {
  throw new Error('not implemented');
}
