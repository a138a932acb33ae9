import type { Command } from 'commander';
import { option } from './env.js';
import { integer, UsageError } from './errors.js';
import { showDefault } from './help.js';
import { maskPasswords } from './store-url.js';

/** `--redis-cluster`, `--redis-sentinel`, `--redis-sentinel-name`, `--durable-writes`, as given. */
export interface RedisTopologyFlags {
  redisCluster?: string;
  redisSentinel?: string;
  redisSentinelName?: string;
  durableWrites?: string;
}

/** A Redis reached through more than one URL: a Cluster's seed nodes, or Sentinels and their primary's name. */
export type RedisTopology =
  | { flag: '--redis-cluster'; text: string; clusterUrls: string[] }
  | { flag: '--redis-sentinel'; text: string; sentinel: { urls: string[]; name: string } };

const LIST_FORMS = 'redis://HOST:PORT or rediss://HOST:PORT, several separated by commas';

/**
 * The flags that pick a Redis Cluster or Sentinel in place of `--redis`, and how many
 * replicas must hold a write. Added right after `--redis`, so that help lists them together.
 */
export function addRedisTopologyOptions(command: Command): Command {
  return command
    .addOption(option('--redis-cluster <urls>', `seed nodes of a Redis Cluster, in place of --redis: ${LIST_FORMS}`))
    .addOption(option('--redis-sentinel <urls>', `Redis Sentinels, in place of --redis: ${LIST_FORMS}`))
    .addOption(
      option('--redis-sentinel-name <name>', 'with --redis-sentinel: the name the sentinels know the primary by'),
    )
    .addOption(
      // No parsed default: chooseStore must see whether it was given beside a file store.
      showDefault(
        option(
          '--durable-writes <n>',
          'replicas that must hold each enqueue and schedule write before it is acknowledged',
        ),
        '0',
      ),
    );
}

/**
 * The cluster or sentinel topology the flags name, or undefined when they name neither
 * (then `--redis` or `--store` decides). Each URL is checked as `--redis` is, before
 * anything opens; the sentinel name goes with `--redis-sentinel` and nothing else.
 */
export function checkRedisTopology(flags: RedisTopologyFlags): RedisTopology | undefined {
  const name = flags.redisSentinelName;
  if (flags.redisSentinel === undefined) {
    if (name !== undefined) {
      throw new UsageError(
        '--redis-sentinel-name: given without --redis-sentinel; expected it only beside --redis-sentinel (check CADENZA_REDIS_SENTINEL_NAME)',
      );
    }
    if (flags.redisCluster === undefined) return undefined;
    const urls = urlList('--redis-cluster', flags.redisCluster);
    return { flag: '--redis-cluster', text: urls.join(','), clusterUrls: urls };
  }
  const urls = urlList('--redis-sentinel', flags.redisSentinel);
  if (name === undefined || !/^\S+$/.test(name)) {
    const got = name === undefined ? 'missing' : `got ${JSON.stringify(name)}`;
    throw new UsageError(
      `--redis-sentinel-name: ${got}; expected the name the sentinels know the primary by (sentinel monitor NAME …), without spaces (--redis-sentinel-name or CADENZA_REDIS_SENTINEL_NAME)`,
    );
  }
  return { flag: '--redis-sentinel', text: urls.join(','), sentinel: { urls, name } };
}

/** `--durable-writes N`: a whole number of replicas, 0 (the default) for none. Only a positive one is kept. */
export function checkDurableWrites(value: string | undefined): { durableWrites?: number } {
  if (value === undefined) return {};
  const replicas = integer('--durable-writes', value, 0);
  return replicas === 0 ? {} : { durableWrites: replicas };
}

/**
 * A comma-separated list of Redis URLs. A stray comma is refused rather than skipped: it is
 * more often a node left out of a template than a style. All must be redis:// or all
 * rediss://, since every node of one deployment is reached the same way.
 */
function urlList(flag: '--redis-cluster' | '--redis-sentinel', value: string): string[] {
  const env = flag === '--redis-cluster' ? 'CADENZA_REDIS_CLUSTER' : 'CADENZA_REDIS_SENTINEL';
  const urls = value.split(',').map((url) => url.trim());
  for (const url of urls) {
    if (!/^rediss?:\/\/[^/]/.test(url)) {
      const got =
        url === '' ? `an empty entry in ${JSON.stringify(maskPasswords(value))}` : JSON.stringify(maskPasswords(url));
      throw new UsageError(`${flag}: got ${got}, expected ${LIST_FORMS} (${flag} or ${env})`);
    }
  }
  const secure = urls.filter((url) => url.startsWith('rediss://')).length;
  if (secure !== 0 && secure !== urls.length) {
    throw new UsageError(
      `${flag}: mixes redis:// and rediss:// URLs; expected all of one kind, so every node is reached the same way (${flag} or ${env})`,
    );
  }
  return urls;
}
