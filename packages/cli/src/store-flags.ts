import type { Command } from 'commander';
import { option } from './env.js';
import { UsageError } from './errors.js';
import { DEFAULT_STORE, parseStoreUrl } from './store-url.js';

/** Which store a command opens, and the flag that named it (for messages). */
export interface StoreChoice {
  text: string;
  flag: '--store' | '--redis';
  prefix?: string;
}

const REDIS_FORMS = 'redis://HOST:PORT or rediss://HOST:PORT (CADENZA_REDIS)';
// The Redis store's own rule for its key prefix, checked here so the message names the flag.
const PREFIX_PATTERN = /^[A-Za-z0-9_.-]+$/;

const prefixOption = () =>
  option('--prefix <prefix>', 'key prefix in Redis, so deployments can share one (default cz)');

/** `--redis URL` and `--prefix P`: the cluster commands (worker, coordinator, server). */
export function addRedisOptions(command: Command): Command {
  return command.addOption(option('--redis <url>', `the cluster's Redis: ${REDIS_FORMS}`)).addOption(prefixOption());
}

/** `--store S` or `--redis URL`, and `--prefix P`: the admin verbs. */
export function addStoreOptions(command: Command): Command {
  return command
    .addOption(
      option(
        '--store <store>',
        `memory, sqlite:PATH, json:PATH, snapshot:PATH or redis://… (default ${DEFAULT_STORE})`,
      ),
    )
    .addOption(option('--redis <url>', `the same as --store, for a cluster's Redis: ${REDIS_FORMS}`))
    .addOption(prefixOption());
}

export interface StoreFlags {
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
  return { text, flag: '--store', ...checkedPrefix(flags.prefix) };
}

/** The store of a cluster command: `--redis` is required and must be a Redis URL. */
export function requireRedis(flags: StoreFlags): StoreChoice {
  const url = flags.redis?.trim();
  if (url === undefined || url === '') throw new UsageError(`--redis: missing; expected ${REDIS_FORMS}`);
  if (!/^rediss?:\/\/[^/]/.test(url)) {
    throw new UsageError(`--redis: got ${JSON.stringify(flags.redis)}, expected ${REDIS_FORMS}`);
  }
  return { text: url, flag: '--redis', ...checkedPrefix(flags.prefix) };
}

function checkedPrefix(prefix: string | undefined): { prefix?: string } {
  if (prefix === undefined) return {};
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new UsageError(`--prefix: got ${JSON.stringify(prefix)}, expected letters, digits, "_", "." or "-"`);
  }
  return { prefix };
}
