import type { RedisContext } from '../../context.js';
import {
  eventKeys,
  gateKeys,
  leaderKey,
  leaderLockKey,
  nodesKey,
  PRIORITY_BANDS,
  readyKey,
  STREAM_SUFFIX,
  TENANT_KEY_LAYOUT,
  tenantsKey,
} from '../../keys.js';
import { keyChunks } from './read-chunks.js';

/** A tenant's key suffixes (keys.ts): anything else under its tag is an orphan. */
const TENANT_SUFFIXES = new Set([
  ...Object.values(TENANT_KEY_LAYOUT).map((key) => key.suffix),
  ...Array.from({ length: PRIORITY_BANDS }, (_, p) => `${STREAM_SUFFIX}${p}`),
]);

export interface Keyspace {
  /** Every tenant some key is named for, with the suffixes of its keys. */
  tenants: Map<string, Set<string>>;
  /** Keys under the prefix that no part of cadenza names. */
  orphans: string[];
}

/**
 * Walks every key under the prefix (SCAN, in chunks, on every primary) and sorts them into
 * the tenants they belong to and the keys nothing of cadenza names. The redlock key lives
 * on the lock instances, but a lock instance may be the data Redis too, so it is known.
 */
export async function readKeyspace(ctx: RedisContext): Promise<Keyspace> {
  const p = ctx.prefix;
  const known = new Set([
    readyKey(p),
    tenantsKey(p),
    leaderKey(p),
    nodesKey(p),
    leaderLockKey(p),
    ...eventKeys(p).all,
    ...gateKeys(p).all,
  ]);
  const tenantHead = `${p}:{t:`;
  const tenants = new Map<string, Set<string>>();
  const orphans: string[] = [];
  for await (const keys of keyChunks(ctx, `${escapeGlob(p)}:*`)) {
    for (const key of keys) {
      if (known.has(key)) continue;
      const close = key.startsWith(tenantHead) ? key.indexOf('}:', tenantHead.length) : -1;
      const suffix = close < 0 ? undefined : key.slice(close + 2);
      if (suffix === undefined || !TENANT_SUFFIXES.has(suffix)) {
        orphans.push(key);
        continue;
      }
      const tenant = key.slice(tenantHead.length, close);
      let suffixes = tenants.get(tenant);
      if (suffixes === undefined) {
        suffixes = new Set();
        tenants.set(tenant, suffixes);
      }
      suffixes.add(suffix);
    }
  }
  return { tenants, orphans };
}

/** `text` as a SCAN pattern that matches only itself. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
