import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { option } from './env.js';
import { oneLine, UsageError } from './errors.js';

/** `--redis-ca`, `--redis-cert`, `--redis-key`: paths as given. */
export interface RedisTlsFlags {
  redisCa?: string;
  redisCert?: string;
  redisKey?: string;
}

/** The files' contents, as the Redis store's `tls` option takes them. */
export interface RedisTlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

const FLAGS = [
  ['--redis-ca', 'redisCa', 'ca'],
  ['--redis-cert', 'redisCert', 'cert'],
  ['--redis-key', 'redisKey', 'key'],
] as const;

/** The TLS files of a `rediss://` Redis (every command that takes `--redis`, and `dev`). */
export function addRedisTlsOptions(command: Command): Command {
  return command
    .addOption(option('--redis-ca <file>', 'PEM file of the CA that signed the Redis TLS certificate (rediss://)'))
    .addOption(option('--redis-cert <file>', 'PEM client certificate, for a Redis that asks for one (rediss://)'))
    .addOption(option('--redis-key <file>', 'PEM private key of --redis-cert (rediss://)'));
}

/** Just the TLS flags that were given, out of a command's flags. */
export function redisTlsFlagsOf(flags: RedisTlsFlags): RedisTlsFlags {
  const picked: RedisTlsFlags = {};
  for (const [, field] of FLAGS) if (flags[field] !== undefined) picked[field] = flags[field];
  return picked;
}

/**
 * Reads the TLS files named, at start, so that a wrong path is a usage error (exit 2)
 * rather than a connection that fails later. `urls` are the Redis URLs the files are for:
 * certificates beside a plain `redis://` would promise an encryption the URL does not
 * ask for, so that is refused too.
 */
export function readRedisTls(
  flags: RedisTlsFlags,
  urls: readonly { flag: string; url: string }[],
): { tls?: RedisTlsFiles } {
  const given = FLAGS.filter(([, field]) => flags[field] !== undefined);
  if (given.length === 0) return {};
  const names = given.map(([flag]) => flag).join(', ');
  for (const { flag, url } of urls) {
    if (!/^rediss:\/\//i.test(url.trim())) {
      throw new UsageError(`${names}: given with a ${flag} that is not rediss://; expected ${flag} rediss://HOST:PORT`);
    }
  }
  if ((flags.redisCert === undefined) !== (flags.redisKey === undefined)) {
    throw new UsageError('--redis-cert and --redis-key: expected both (a client certificate and its key) or neither');
  }
  const tls: RedisTlsFiles = {};
  for (const [flag, field, name] of given) {
    const path = flags[field] as string;
    try {
      tls[name] = readFileSync(path);
    } catch (error) {
      throw new UsageError(`${flag} ${path}: cannot be read: ${oneLine(error)}`);
    }
  }
  return { tls };
}
