import type { ChainableCommander, Cluster, Redis, RedisOptions } from 'ioredis';
import { splitPipeline } from './cluster/split-pipeline.js';
import { type TenantKeys, tenantKeys } from './keys.js';
import { execPipeline, type Scripts } from './scripts/call.js';

/** A client of one Redis (plain or found through Sentinel), or of a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** What every operation needs: the client, its scripts and the key prefix. */
export interface RedisContext {
  redis: RedisClient;
  scripts: Scripts;
  prefix: string;
  /** The client is a Redis Cluster's: pipelines split by primary, tenant functions declare every key. */
  cluster: boolean;
  /** A pipeline of the client; on a cluster, one that may span primaries (cluster/split-pipeline.ts). */
  pipeline(): ChainableCommander;
  keysOf(tenant: string): TenantKeys;
  /** The keys a tenant function is given (keys.ts, `declared`; on a cluster, every key of the tenant). */
  declaredOf(tenant: string): readonly string[];
  /** Tenants this process has added to the tenant set already (a SADD per call saved). */
  registered: Set<string>;
  /** A new connection like the client's (a subscriber, a blocking reader), with `overrides`. */
  duplicate(overrides: Partial<RedisOptions>): RedisClient;
  /** Replicas a durable write waits for (`WAIT`), and how long; 0: none. */
  durable: { replicas: number; timeoutMs: number };
}

export function isCluster(redis: RedisClient): redis is Cluster {
  return (redis as { isCluster?: boolean }).isCluster === true;
}

export function createContext(
  redis: RedisClient,
  /** The scripts on `redis`, given the context's pipeline (they resend calls on it). */
  scriptsOf: (pipeline: () => ChainableCommander) => Scripts,
  prefix: string,
  durable: { replicas: number; timeoutMs: number } = { replicas: 0, timeoutMs: 0 },
): RedisContext {
  // Key names are built for every job of every call; a small cache keeps that off the profile.
  const cache = new Map<string, TenantKeys>();
  // After a reconnect the Redis may be another (restarted without its data): register again.
  const registered = new Set<string>();
  redis.on('ready', () => registered.clear());
  const cluster = isCluster(redis);
  const keysOf = (tenant: string): TenantKeys => {
    let keys = cache.get(tenant);
    if (keys === undefined) {
      keys = tenantKeys(prefix, tenant);
      if (cache.size > 10_000) cache.clear();
      cache.set(tenant, keys);
    }
    return keys;
  };
  const pipeline = cluster ? () => splitPipeline(redis as Cluster) : () => (redis as Redis).pipeline();
  return {
    redis,
    scripts: scriptsOf(pipeline),
    prefix,
    cluster,
    registered,
    durable,
    pipeline,
    keysOf,
    duplicate: (overrides) => duplicate(redis, overrides),
    // On one Redis a function is given its tenant's counts hash and builds the other names
    // (Redis lets a script touch any key there). A cluster checks only declared keys before
    // a call runs: declaring them all makes a call on a slot half moved to another primary
    // answer TRYAGAIN (retried by the client) rather than fail inside, after its first write.
    declaredOf: cluster ? (tenant) => keysOf(tenant).everyKey : (tenant) => keysOf(tenant).declared,
  };
}

function duplicate(redis: RedisClient, overrides: Partial<RedisOptions>): RedisClient {
  if (!isCluster(redis)) return redis.duplicate(overrides);
  // A cluster's connections to its nodes take their options from `redisOptions`.
  return redis.duplicate([], { redisOptions: { ...redis.options.redisOptions, ...overrides } });
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
export async function execAll(pipeline: ChainableCommander): Promise<unknown[]> {
  const replies = await execPipeline(pipeline);
  if (replies === null) throw new Error('redis pipeline was discarded');
  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}
