import type { SharingOptions } from '@cadenza/core';
import type { Cluster, Redis } from 'ioredis';

/**
 * The sharing options (core's SharingOptions) hold cluster-wide: tenant limits are counted
 * in Redis across every worker, and `resources` and `jobConcurrency` are gates counted
 * across every tenant; every worker of a cluster must be given the same ones (a worker
 * claims by its own). Checked at construction (`invalid_argument` naming the field).
 */
export interface RedisStoreOptions extends SharingOptions {
  /** `redis://…` or `rediss://…`; default `redis://127.0.0.1:6379`. Ignored when `redis` is given. */
  url?: string;
  /**
   * Seed nodes of a Redis Cluster (`redis://HOST:PORT` or `rediss://…`, any of its
   * primaries or replicas), in place of `url`: the store finds the rest and follows
   * failovers and slot moves. Refused beside `url` or `sentinel`.
   */
  clusterUrls?: readonly string[];
  /**
   * A Redis run by Sentinel, in place of `url`: the sentinels' URLs and the name they
   * know the primary by. The store asks them for the primary and again after a failover.
   * Refused beside `url` or `clusterUrls`.
   */
  sentinel?: SentinelOptions;
  /**
   * Replicas that must hold an enqueue, a schedule fire or a schedule change before the
   * store acknowledges it (Redis `WAIT N`), so that a primary lost right after the answer
   * does not take the write with it. Default 0: acknowledged once the primary has it.
   */
  durableWrites?: number;
  /** How long a durable write waits for its replicas, in ms (default 1,000); short of them it fails with `unavailable`. */
  durableWritesTimeoutMs?: number;
  /** A client of the caller's (one instance or a Cluster); the store registers its scripts on it and never closes it. */
  redis?: Redis | Cluster;
  /** Prefix of every key, so that deployments can share a Redis. Default `cz`. */
  prefix?: string;
  /**
   * Independent Redis instances for the coordinator lock (Redlock): a coordinator leads
   * only while a majority of them hold its lock. Empty (default): the lease on the data
   * Redis alone decides. Either way the fencing epoch comes from the data Redis.
   */
  lockUrls?: readonly string[];
  /**
   * How long a command may go unanswered before its call fails with `unavailable` (a Redis
   * that is stuck or far too slow), in ms; default 10,000. Only for the client the store
   * opens itself (`url`); blocking reads use connections of their own without it.
   */
  commandTimeoutMs?: number;
  /**
   * Certificates for a `rediss://` connection: `ca` to trust a server whose certificate a
   * private CA signed, `cert` and `key` when the server asks clients for one
   * (`tls-auth-clients yes`). PEM text or Buffers. Used by the store's own client (and the
   * connections it duplicates from it) and by every `lockUrls` instance.
   */
  tls?: RedisTls;
}

/** Sentinels (`redis://HOST:PORT` each, or `rediss://`) and the name of the primary they watch. */
export interface SentinelOptions {
  urls: readonly string[];
  name: string;
}

/** PEM certificates for TLS connections to Redis, as Node's `tls.connect` takes them. */
export interface RedisTls {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
}

/** Default of `commandTimeoutMs`: far above any bounded script, far below a stuck Redis. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;

/** Default of `durableWritesTimeoutMs`: replicas on a healthy link answer within milliseconds. */
export const DEFAULT_DURABLE_WRITES_TIMEOUT_MS = 1000;
