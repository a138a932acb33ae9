import type { SharingOptions } from '@cadenza/core';
import type { Command } from 'commander';
import { option } from './env.js';
import { UsageError } from './errors.js';
import { showDefault } from './help.js';
import { addRedisTlsOptions, type RedisTlsFiles, type RedisTlsFlags, readRedisTls } from './redis-tls-flags.js';
import {
  addRedisTopologyOptions,
  checkDurableWrites,
  checkRedisTopology,
  type RedisTopologyFlags,
} from './redis-topology-flags.js';
import { DEFAULT_STORE, maskPasswords, parseStoreUrl } from './store-url.js';

/**
 * Which store a command opens, and the flag that named it (for messages); with the sharing
 * options `--tenant-weights`, `--tenant-limits`, `--resources` and `--job-concurrency` gave
 * (the processes that claim: worker, dev).
 */
export interface StoreChoice extends SharingOptions {
  /** The value of the flag that named the store, as given (a comma-separated list for a cluster or sentinels). */
  text: string;
  flag: '--store' | '--redis' | '--redis-cluster' | '--redis-sentinel';
  /** `--redis-cluster`: the seed nodes of a Redis Cluster, in place of one URL. */
  clusterUrls?: string[];
  /** `--redis-sentinel` and `--redis-sentinel-name`: the sentinels and their primary's name. */
  sentinel?: { urls: string[]; name: string };
  /** `--durable-writes`, when above 0: replicas that must hold a write before it is acknowledged. */
  durableWrites?: number;
  prefix?: string;
  /** `--lock-redis`: the independent instances of the coordinator's Redlock (coordinator only). */
  lockUrls?: string[];
  /** `--redis-ca`, `--redis-cert`, `--redis-key`, read: the TLS of a rediss:// store. */
  tls?: RedisTlsFiles;
}

const REDIS_FORMS = 'redis://HOST:PORT or rediss://HOST:PORT';
// Refusals name the variable too: the bad value may have come from the environment.
const REDIS_EXPECTED = `${REDIS_FORMS} (--redis or CADENZA_REDIS)`;
// With no Redis at all, the refusal names every way a cluster command can be given one.
const REDIS_MISSING = `${REDIS_EXPECTED}, or a Redis Cluster's seed nodes (--redis-cluster or CADENZA_REDIS_CLUSTER), or Redis Sentinels (--redis-sentinel and --redis-sentinel-name, or CADENZA_REDIS_SENTINEL and CADENZA_REDIS_SENTINEL_NAME)`;
// The Redis store's own rule for its key prefix, checked here so the message names the flag.
const PREFIX_PATTERN = /^[A-Za-z0-9_.-]+$/;

const prefixOption = () =>
  showDefault(option('--prefix <prefix>', 'key prefix in Redis, so deployments can share one'), 'cz');

/**
 * `--redis URL` (or `--redis-cluster`, or `--redis-sentinel` and its name), `--durable-writes`,
 * `--prefix P` and the TLS files: the cluster commands (worker, coordinator, server).
 */
export function addRedisOptions(command: Command): Command {
  command.addOption(option('--redis <url>', `the cluster's Redis: ${REDIS_FORMS}`));
  return addRedisTlsOptions(addRedisTopologyOptions(command).addOption(prefixOption()));
}

/** The flags of which a cluster command needs exactly one, as `markOneRequired` takes them. */
export const REDIS_CHOICES = ['--redis', '--redis-cluster', '--redis-sentinel'] as const;

/**
 * `--lock-redis URL[,URL…]` (repeatable; CADENZA_LOCK_REDIS takes a comma-separated list):
 * independent Redis instances on which the coordinator takes its leader lock (Redlock),
 * leading only while a majority of them hold it. Without it, the lease on `--redis` decides.
 */
export function addLockRedisOption(command: Command): Command {
  return command.addOption(
    option(
      '--lock-redis <urls>',
      'independent Redis instances for the leader lock (Redlock majority), comma-separated',
    ).argParser((value: string, previous: string[] | undefined) => [
      ...(previous ?? []),
      ...value.split(',').map((url) => url.trim()),
    ]),
  );
}

/**
 * The `--lock-redis` URLs, each checked like `--redis`. They use the TLS files of
 * `--redis` (`flags`), so with those files each must be rediss:// too.
 */
export function checkLockRedis(
  urls: readonly string[] | undefined,
  flags: RedisTlsFlags = {},
): { lockUrls?: string[] } {
  if (urls === undefined || urls.length === 0) return {};
  readRedisTls(
    flags,
    urls.map((url) => ({ flag: '--lock-redis', url })),
  );
  for (const url of urls) {
    if (!/^rediss?:\/\/[^/]/.test(url)) {
      throw new UsageError(
        `--lock-redis: got ${JSON.stringify(url)}, expected redis://HOST:PORT or rediss://HOST:PORT, several separated by commas (CADENZA_LOCK_REDIS)`,
      );
    }
  }
  return { lockUrls: [...urls] };
}

/**
 * `--store S` or `--redis URL` (or `--redis-cluster`, or `--redis-sentinel` and its name),
 * `--durable-writes`, `--prefix P` and the TLS files: the admin verbs.
 */
export function addStoreOptions(command: Command): Command {
  command
    .addOption(
      // No parsed default: chooseStore must see whether --store was given beside --redis.
      showDefault(
        option('--store <store>', 'memory, sqlite:PATH, lmdb:PATH, json:PATH, snapshot:PATH or redis://…'),
        DEFAULT_STORE,
      ),
    )
    .addOption(option('--redis <url>', `the same as --store, for a cluster's Redis: ${REDIS_FORMS}`));
  return addRedisTlsOptions(addRedisTopologyOptions(command).addOption(prefixOption()));
}

export interface StoreFlags extends RedisTlsFlags, RedisTopologyFlags {
  store?: string;
  redis?: string;
  prefix?: string;
}

/** The store of an admin verb: a Redis flag, else `--store`, else the default; only one of them. */
export function chooseStore(flags: StoreFlags): StoreChoice {
  refuseSeveral(flags, ['store', 'redis', 'redisCluster', 'redisSentinel']);
  if (flags.redis !== undefined || flags.redisCluster !== undefined || flags.redisSentinel !== undefined) {
    return requireRedis(flags);
  }
  checkRedisTopology(flags); // refuses a sentinel name without its sentinels
  const text = flags.store ?? DEFAULT_STORE;
  const url = parseStoreUrl(text); // a bad value is refused before anything opens
  const durable = checkDurableWrites(flags.durableWrites);
  if (durable.durableWrites !== undefined && url.kind !== 'redis') {
    throw new UsageError(
      `--durable-writes ${durable.durableWrites}: given with a --store that is not Redis; expected it only with a Redis store (check CADENZA_DURABLE_WRITES)`,
    );
  }
  return {
    text,
    flag: '--store',
    ...durable,
    ...checkedPrefix(flags.prefix),
    ...readRedisTls(flags, [{ flag: '--store', url: text }]),
  };
}

/**
 * The store of a cluster command: exactly one of `--redis`, `--redis-cluster` and
 * `--redis-sentinel`, each a Redis URL or a list of them.
 */
export function requireRedis(flags: StoreFlags): StoreChoice {
  refuseSeveral(flags, ['redis', 'redisCluster', 'redisSentinel']);
  const durable = checkDurableWrites(flags.durableWrites);
  const topology = checkRedisTopology(flags);
  if (topology !== undefined) {
    const urls = topology.flag === '--redis-cluster' ? topology.clusterUrls : topology.sentinel.urls;
    return {
      ...topology,
      ...durable,
      ...checkedPrefix(flags.prefix),
      ...readRedisTls(
        flags,
        urls.map((url) => ({ flag: topology.flag, url })),
      ),
    };
  }
  const url = flags.redis?.trim();
  if (url === undefined || url === '') throw new UsageError(`--redis: missing; expected ${REDIS_MISSING}`);
  if (!/^rediss?:\/\/[^/]/.test(url)) {
    throw new UsageError(
      `--redis: got ${JSON.stringify(maskPasswords(flags.redis ?? ''))}, expected ${REDIS_EXPECTED}`,
    );
  }
  return {
    text: url,
    flag: '--redis',
    ...durable,
    ...checkedPrefix(flags.prefix),
    ...readRedisTls(flags, [{ flag: '--redis', url }]),
  };
}

/** The flags that each name a whole store, with the variables that may have set them. */
const STORE_SOURCES = {
  store: ['--store', 'CADENZA_STORE'],
  redis: ['--redis', 'CADENZA_REDIS'],
  redisCluster: ['--redis-cluster', 'CADENZA_REDIS_CLUSTER'],
  redisSentinel: ['--redis-sentinel', 'CADENZA_REDIS_SENTINEL'],
} as const;

/**
 * Refuses two flags that each name the store: which one was meant cannot be guessed. The
 * message names the variables too, since one of the values often comes from the environment.
 */
function refuseSeveral(flags: StoreFlags, fields: readonly (keyof typeof STORE_SOURCES)[]): void {
  const given = fields.filter((field) => flags[field] !== undefined);
  if (given.length < 2) return;
  const list = (items: string[]) => `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
  const values = given.map(
    (field) => `${STORE_SOURCES[field][0]} ${JSON.stringify(maskPasswords(flags[field] ?? ''))}`,
  );
  const envs = given.map((field) => STORE_SOURCES[field][1]);
  throw new UsageError(
    `${list(values)}: expected one of them, not ${given.length === 2 ? 'both' : 'several'} (check ${list(envs)})`,
  );
}

function checkedPrefix(prefix: string | undefined): { prefix?: string } {
  if (prefix === undefined) return {};
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new UsageError(`--prefix: got ${JSON.stringify(prefix)}, expected letters, digits, "_", "." or "-"`);
  }
  return { prefix };
}
