import type { TenantLimits } from '@cadenza/core';
import type { Command } from 'commander';
import { option } from './env.js';
import { UsageError } from './errors.js';
import { showDefault } from './help.js';
import { addRedisTlsOptions, type RedisTlsFiles, type RedisTlsFlags, readRedisTls } from './redis-tls-flags.js';
import { DEFAULT_STORE, parseStoreUrl } from './store-url.js';

/** Which store a command opens, and the flag that named it (for messages). */
export interface StoreChoice {
  text: string;
  flag: '--store' | '--redis';
  prefix?: string;
  /** `--lock-redis`: the independent instances of the coordinator's Redlock (coordinator only). */
  lockUrls?: string[];
  /** `--tenant-weights`, `--tenant-limits` (the processes that claim: worker, dev). */
  tenantWeights?: Record<string, number>;
  tenantLimits?: Record<string, TenantLimits>;
  /** `--resources`, `--job-concurrency`: capacities shared by all tenants (worker, dev). */
  resources?: Record<string, number>;
  jobConcurrency?: Record<string, number>;
  /** `--redis-ca`, `--redis-cert`, `--redis-key`, read: the TLS of a rediss:// store. */
  tls?: RedisTlsFiles;
}

const REDIS_FORMS = 'redis://HOST:PORT or rediss://HOST:PORT';
// Refusals name the variable too: the bad value may have come from the environment.
const REDIS_EXPECTED = `${REDIS_FORMS} (--redis or CADENZA_REDIS)`;
// The Redis store's own rule for its key prefix, checked here so the message names the flag.
const PREFIX_PATTERN = /^[A-Za-z0-9_.-]+$/;

const prefixOption = () =>
  showDefault(option('--prefix <prefix>', 'key prefix in Redis, so deployments can share one'), 'cz');

/** `--redis URL`, `--prefix P` and the TLS files: the cluster commands (worker, coordinator, server). */
export function addRedisOptions(command: Command): Command {
  return addRedisTlsOptions(
    command.addOption(option('--redis <url>', `the cluster's Redis: ${REDIS_FORMS}`)).addOption(prefixOption()),
  );
}

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

/** `--store S` or `--redis URL`, `--prefix P` and the TLS files: the admin verbs. */
export function addStoreOptions(command: Command): Command {
  command
    .addOption(
      // No parsed default: chooseStore must see whether --store was given beside --redis.
      showDefault(
        option('--store <store>', 'memory, sqlite:PATH, json:PATH, snapshot:PATH or redis://…'),
        DEFAULT_STORE,
      ),
    )
    .addOption(option('--redis <url>', `the same as --store, for a cluster's Redis: ${REDIS_FORMS}`))
    .addOption(prefixOption());
  return addRedisTlsOptions(command);
}

export interface StoreFlags extends RedisTlsFlags {
  store?: string;
  redis?: string;
  prefix?: string;
}

/** The store of an admin verb: `--redis`, else `--store`, else the default; not both. */
export function chooseStore(flags: StoreFlags): StoreChoice {
  if (flags.redis !== undefined && flags.store !== undefined) {
    throw new UsageError(
      `--store ${JSON.stringify(flags.store)} and --redis ${JSON.stringify(flags.redis)}: expected one of them, not both (check CADENZA_STORE and CADENZA_REDIS)`,
    );
  }
  if (flags.redis !== undefined) return requireRedis(flags);
  const text = flags.store ?? DEFAULT_STORE;
  parseStoreUrl(text); // a bad value is refused before anything opens
  return {
    text,
    flag: '--store',
    ...checkedPrefix(flags.prefix),
    ...readRedisTls(flags, [{ flag: '--store', url: text }]),
  };
}

/** The store of a cluster command: `--redis` is required and must be a Redis URL. */
export function requireRedis(flags: StoreFlags): StoreChoice {
  const url = flags.redis?.trim();
  if (url === undefined || url === '') throw new UsageError(`--redis: missing; expected ${REDIS_EXPECTED}`);
  if (!/^rediss?:\/\/[^/]/.test(url)) {
    throw new UsageError(`--redis: got ${JSON.stringify(flags.redis)}, expected ${REDIS_EXPECTED}`);
  }
  return {
    text: url,
    flag: '--redis',
    ...checkedPrefix(flags.prefix),
    ...readRedisTls(flags, [{ flag: '--redis', url }]),
  };
}

function checkedPrefix(prefix: string | undefined): { prefix?: string } {
  if (prefix === undefined) return {};
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new UsageError(`--prefix: got ${JSON.stringify(prefix)}, expected letters, digits, "_", "." or "-"`);
  }
  return { prefix };
}
