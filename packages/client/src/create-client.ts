import { definedOnly } from '@cadenza/core';
import { createRedisStore, type RedisTls, type SentinelOptions } from '@cadenza/store-redis';
import type { Cluster, Redis } from 'ioredis';
import { CadenzaClient, type CadenzaClientOptions } from './client.js';

export interface ClientOptions extends Omit<CadenzaClientOptions, 'store'> {
  /** `redis://…` or `rediss://…`. Default `redis://127.0.0.1:6379`. Ignored when `redis` is given. */
  url?: string;
  /**
   * Seed nodes of a Redis Cluster (`redis://HOST:PORT` or `rediss://…`), in place of `url`:
   * the client finds the other nodes and follows failovers. Refused beside `url` or `sentinel`.
   */
  clusterUrls?: readonly string[];
  /**
   * A Redis run by Sentinel, in place of `url`: the sentinels' URLs and the name they know
   * the primary by. Refused beside `url` or `clusterUrls`.
   */
  sentinel?: SentinelOptions;
  /**
   * Replicas that must hold each enqueue and schedule change before it is acknowledged
   * (Redis `WAIT N`). Default 0: acknowledged once the primary has it.
   */
  durableWrites?: number;
  /** How long a durable write waits for its replicas, in ms (the store's default 1,000); short of them it fails `unavailable`. */
  durableWritesTimeoutMs?: number;
  /** An ioredis client (one instance or a Cluster) of the caller's: used as is, and left open by `close()`. */
  redis?: Redis | Cluster;
  /** The key prefix of the deployment (its coordinators and workers use the same). Default `cz`. */
  prefix?: string;
  /**
   * Certificates for a `rediss://` url: `ca` for a server certificate a private CA signed,
   * `cert` and `key` for a Redis that asks clients for one. Refused beside a `redis://` url.
   */
  tls?: RedisTls;
}

/**
 * A client on a cadenza cluster's Redis. It speaks the Redis protocol through
 * `@cadenza/store-redis` (the key layout and Lua scripts live there once), so it reads and
 * writes exactly what the coordinators and workers do, with no server in between.
 */
export function createClient(options: ClientOptions = {}): CadenzaClient {
  const { url, redis, prefix, tls, clusterUrls, sentinel, durableWrites, durableWritesTimeoutMs, ...rest } = options;
  // Only what was given is passed on: the store tells "not given" from a value when it
  // refuses two ways of reaching Redis at once.
  const store = createRedisStore({
    url,
    redis,
    prefix,
    ...definedOnly({ clusterUrls, sentinel, durableWrites, durableWritesTimeoutMs, tls }),
  });
  return new CadenzaClient({ ...rest, store, events: store.eventLog() });
}
