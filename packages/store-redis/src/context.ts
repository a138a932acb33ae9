import type { Redis } from 'ioredis';
import { type TenantKeys, tenantKeys } from './keys.js';
import { execPipeline, type Scripts } from './scripts/call.js';

/** What every operation needs: the client, its scripts and the key prefix. */
export interface RedisContext {
  redis: Redis;
  scripts: Scripts;
  prefix: string;
  keysOf(tenant: string): TenantKeys;
  /** Tenants this process has added to the tenant set already (a SADD per call saved). */
  registered: Set<string>;
}

export function createContext(redis: Redis, scripts: Scripts, prefix: string): RedisContext {
  // Key names are built for every job of every call; a small cache keeps that off the profile.
  const cache = new Map<string, TenantKeys>();
  // After a reconnect the Redis may be another (restarted without its data): register again.
  const registered = new Set<string>();
  redis.on('ready', () => registered.clear());
  return {
    redis,
    scripts,
    prefix,
    registered,
    keysOf(tenant) {
      let keys = cache.get(tenant);
      if (keys === undefined) {
        keys = tenantKeys(prefix, tenant);
        if (cache.size > 10_000) cache.clear();
        cache.set(tenant, keys);
      }
      return keys;
    },
  };
}

/** Groups items by a key, keeping their order within each group and their indexes. */
export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, { item: T; index: number }[]> {
  const groups = new Map<string, { item: T; index: number }[]>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    let group = groups.get(key);
    if (group === undefined) {
      group = [];
      groups.set(key, group);
    }
    group.push({ item, index });
  });
  return groups;
}

/** Runs a pipeline and returns its replies, throwing the first error any command gave. */
export async function execAll(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  const replies = await execPipeline(pipeline);
  if (replies === null) throw new Error('redis pipeline was discarded');
  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}
