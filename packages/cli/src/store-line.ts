import type { StoreChoice } from './store-flags.js';
import { displayStore } from './store-url.js';

/**
 * The store as the start line of a process names it, so that whoever reads the first line
 * of its output knows which Redis topology it runs on: `redis cluster (seeds URL, URL)`,
 * `redis sentinel "NAME" (URL, URL)`, or the store's URL or path as given, each password
 * shown as `***`; then `; durable writes: N replicas` when writes wait for replicas.
 */
export function storeLine(choice: Pick<StoreChoice, 'text' | 'clusterUrls' | 'sentinel' | 'durableWrites'>): string {
  const list = (urls: readonly string[]) => urls.map(displayStore).join(', ');
  let store = displayStore(choice.text);
  if (choice.clusterUrls !== undefined) store = `redis cluster (seeds ${list(choice.clusterUrls)})`;
  else if (choice.sentinel !== undefined) {
    store = `redis sentinel ${JSON.stringify(choice.sentinel.name)} (${list(choice.sentinel.urls)})`;
  }
  const replicas = choice.durableWrites ?? 0;
  if (replicas === 0) return store;
  return `${store}; durable writes: ${replicas} ${replicas === 1 ? 'replica' : 'replicas'}`;
}
