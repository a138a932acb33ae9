import { createRedisStore, type RedisTls } from '@cadenza/store-redis';
import type { Redis } from 'ioredis';
import { CadenzaClient, type CadenzaClientOptions } from './client.js';

export interface ClientOptions extends Omit<CadenzaClientOptions, 'store'> {
  /** `redis://…` or `rediss://…`. Default `redis://127.0.0.1:6379`. Ignored when `redis` is given. */
  url?: string;
  /** An ioredis client of the caller's: used as is, and left open by `close()`. */
  redis?: Redis;
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
  const { url, redis, prefix, tls, ...rest } = options;
  const store = createRedisStore({ url, redis, prefix, ...(tls === undefined ? {} : { tls }) });
  return new CadenzaClient({ ...rest, store, events: store.eventLog() });
}
