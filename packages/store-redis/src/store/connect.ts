import { CadenzaError, definedOnly, invalidArgument } from '@cadenza/core';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisClient } from '../context.js';
import type { RedisStoreOptions } from './options.js';
import { tlsOptions } from './tls.js';

const DEFAULT_URL = 'redis://127.0.0.1:6379';

/**
 * The store's own client, for the topology its options name: one Redis (`url`), a Redis
 * Cluster (`clusterUrls`, seed nodes), or a primary found through Sentinel (`sentinel`).
 * Commands fail fast when the connection is down (one retry, no queueing past it) so that
 * the worker and coordinator loops see `unavailable` and back off themselves, while ioredis
 * keeps reconnecting (and, on a cluster or behind Sentinel, finding the new primary after
 * a failover) in the background.
 */
export function connect(
  options: RedisStoreOptions,
  commandTimeout: number,
  onFault: (fault: Error | undefined) => void,
): RedisClient {
  const common: RedisOptions = {
    // duplicate() copies these options: subscribers and blocking readers use the same TLS.
    ...tlsOptions(options.tls),
    maxRetriesPerRequest: 1,
    commandTimeout,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
  };
  let redis: RedisClient;
  if (options.clusterUrls !== undefined) {
    redis = new Cluster(options.clusterUrls.map(nodeOf), {
      redisOptions: { ...common, ...credentialsOf(options.clusterUrls[0] ?? DEFAULT_URL) },
      clusterRetryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
      // A failed-over primary is found by asking the cluster again, soon and often.
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 100,
      retryDelayOnTryAgain: 50,
      // A slot half moved answers TRYAGAIN until the move ends: enough tries to outlast one.
      maxRedirections: 40,
      slotsRefreshTimeout: 2000,
    });
  } else if (options.sentinel !== undefined) {
    const first = options.sentinel.urls[0] ?? DEFAULT_URL;
    redis = new Redis({
      ...common,
      sentinels: options.sentinel.urls.map(nodeOf),
      name: options.sentinel.name,
      // The sentinels and the data Redis share the TLS files and the credentials given.
      ...(/^rediss:/i.test(first) ? { enableTLSForSentinelMode: true, sentinelTLS: common.tls ?? {} } : {}),
      ...credentialsOf(first),
      ...sentinelCredentialsOf(first),
    });
  } else {
    redis = new Redis(options.url ?? DEFAULT_URL, common);
  }
  // Errors surface on the calls that fail; the 'error' event alone would crash the process.
  // The last one is kept, so that a failed ping can say why the connection is down.
  redis.on('error', (error: Error) => onFault(error));
  redis.on('ready', () => onFault(undefined));
  return redis;
}

/**
 * Refuses topologies given together or given badly, naming the field, before any
 * connection opens.
 */
export function checkTopology(options: RedisStoreOptions): void {
  const given = (['url', 'clusterUrls', 'sentinel'] as const).filter((field) => options[field] !== undefined);
  if (given.length > 1) {
    throw new CadenzaError(
      'invalid_argument',
      `${given.join(' and ')}: expected only one of url, clusterUrls and sentinel`,
      {
        field: given[1],
      },
    );
  }
  if (options.clusterUrls !== undefined) checkUrls('clusterUrls', options.clusterUrls);
  if (options.sentinel !== undefined) {
    checkUrls('sentinel.urls', options.sentinel.urls);
    if (typeof options.sentinel.name !== 'string' || options.sentinel.name === '') {
      throw invalidArgument('sentinel.name', options.sentinel.name, 'the name the sentinels know the primary by');
    }
  }
  const durable = options.durableWrites;
  if (durable !== undefined && (!Number.isInteger(durable) || durable < 0)) {
    throw invalidArgument('durableWrites', durable, 'a whole number of replicas from 0');
  }
  const wait = options.durableWritesTimeoutMs;
  if (wait !== undefined && (!Number.isInteger(wait) || wait < 1)) {
    throw invalidArgument('durableWritesTimeoutMs', wait, 'a whole number of milliseconds from 1');
  }
}

function checkUrls(field: string, urls: readonly string[]): void {
  if (!Array.isArray(urls) || urls.length === 0) {
    throw invalidArgument(field, urls, 'one or more redis://HOST:PORT or rediss://HOST:PORT');
  }
  urls.forEach((url, i) => {
    if (typeof url !== 'string' || !/^rediss?:\/\/[^/]/.test(url)) {
      // Not quoted: a URL may hold a password.
      throw invalidArgument(`${field}[${i}]`, '(not a Redis URL)', 'redis://HOST:PORT or rediss://HOST:PORT');
    }
  });
}

/** `{ host, port }` of a node's URL. */
function nodeOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: parsed.port === '' ? 6379 : Number(parsed.port) };
}

/** The user and password a URL carries, for every connection to the data Redis. */
function credentialsOf(url: string): { username?: string; password?: string } {
  const parsed = new URL(url);
  return {
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
  };
}

/** The same, for the connections to the sentinels themselves. */
function sentinelCredentialsOf(url: string): { sentinelUsername?: string; sentinelPassword?: string } {
  const { username, password } = credentialsOf(url);
  return {
    ...definedOnly({ sentinelUsername: username, sentinelPassword: password }),
  };
}
