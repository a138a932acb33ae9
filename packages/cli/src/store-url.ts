import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createMemoryStore, definedOnly, type Logger, type SharingOptions, type Store } from '@cadenza/core';
import { sharingOptionsOf } from '@cadenza/core/store-kit';
import { oneLine, UsageError } from './errors.js';
import type { RedisTlsFiles } from './redis-tls-flags.js';

export const DEFAULT_STORE = 'sqlite:./.cadenza/cadenza.db';

/** Where state lives, as `--store` names it (the stores are listed in packages/cli/README.md). */
export type StoreUrl =
  | { kind: 'memory' }
  | { kind: 'sqlite' | 'lmdb' | 'json' | 'snapshot'; path: string }
  | { kind: 'redis'; url: string };

const FORMS = '`memory`, `sqlite:PATH`, `lmdb:PATH`, `json:PATH`, `snapshot:PATH` or `redis://HOST:PORT`';

/** Parses `memory`, `sqlite:PATH`, `lmdb:PATH`, `json:PATH`, `snapshot:PATH`, `redis://…`, `rediss://…`. */
export function parseStoreUrl(text: string): StoreUrl {
  const value = text.trim();
  if (value === 'memory') return { kind: 'memory' };
  if (/^rediss?:\/\//.test(value)) return { kind: 'redis', url: value };
  const match = /^(sqlite|lmdb|json|snapshot):(.*)$/.exec(value);
  if (match !== null) {
    const kind = match[1] as 'sqlite' | 'lmdb' | 'json' | 'snapshot';
    const path = match[2] ?? '';
    if (path === '') throw new UsageError(`--store: ${JSON.stringify(text)} names no file; expected ${kind}:PATH`);
    return { kind, path };
  }
  throw new UsageError(`--store: got ${JSON.stringify(text)}, expected ${FORMS}`);
}

/** How to open a store; with the sharing options (`--tenant-weights`, `--tenant-limits`, `--resources`, `--job-concurrency`) every store takes. */
export interface OpenOptions extends SharingOptions {
  /** Where a file store logs failed writes. */
  log?: Logger;
  /** Refuse a file that does not exist yet, rather than start an empty store (read-only verbs). */
  mustExist?: boolean;
  /** Key prefix of a Redis store (default `cz`); other stores ignore it. */
  prefix?: string;
  /** The flag that named the store, for messages: `--store` (default), `--redis`, `--redis-cluster` or `--redis-sentinel`. */
  flag?: string;
  /** A Redis Cluster's seed nodes (`--redis-cluster`): opened in place of the URL `text` would name. */
  clusterUrls?: readonly string[];
  /** Redis Sentinels and their primary's name (`--redis-sentinel`): opened in place of that URL. */
  sentinel?: { urls: readonly string[]; name: string };
  /** Replicas that must hold a write before the Redis store acknowledges it (`--durable-writes`). */
  durableWrites?: number;
  /** Redlock instances for the leader lock of a Redis store (`--lock-redis`). */
  lockUrls?: readonly string[];
  /** TLS certificates of a `rediss://` store (`--redis-ca`, `--redis-cert`, `--redis-key`). */
  tls?: RedisTlsFiles;
}

/**
 * Opens the store a `--store` (or `--redis`) value names and checks that it answers; with
 * `clusterUrls` or `sentinel` in `options`, the Redis they name (`text` is then their flag's
 * value, for messages). The folder of a file store is created when missing. Any fault is a
 * `UsageError` (exit 2) naming the flag and the store.
 */
export async function openStore(text: string, options: OpenOptions = {}): Promise<Store> {
  const { prefix } = options;
  const flag = options.flag ?? '--store';
  const topology = redisTopology(options);
  const url: StoreUrl = topology === undefined ? parseStoreUrl(text) : { kind: 'redis', url: text };
  if (url.kind === 'memory') return createMemoryStore(sharingOptionsOf(options));
  const shown = displayStore(text);
  let store: Store;
  try {
    if (url.kind === 'redis') {
      // Loaded only when asked for, as the file stores are: `cadenza dev` on SQLite never loads ioredis.
      const { createRedisStore } = await import('@cadenza/store-redis');
      store = createRedisStore({
        ...(topology ?? { url: url.url }),
        ...definedOnly({ durableWrites: options.durableWrites, prefix, lockUrls: options.lockUrls, tls: options.tls }),
        ...sharingOptionsOf(options),
      });
    } else {
      store = await openFileStore(url, text, options);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${flag} ${shown}: cannot be opened: ${oneLine(error)}`);
  }
  try {
    await store.ping();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw new UsageError(`${flag} ${shown}: does not answer: ${oneLine(error)}`);
  }
  return store;
}

/** The store's options for a cluster or sentinels, when given; the store refuses both together. */
function redisTopology(
  options: OpenOptions,
): { clusterUrls?: readonly string[]; sentinel?: { urls: readonly string[]; name: string } } | undefined {
  if (options.clusterUrls === undefined && options.sentinel === undefined) return undefined;
  return {
    ...definedOnly({ clusterUrls: options.clusterUrls, sentinel: options.sentinel }),
  };
}

async function openFileStore(
  url: Extract<StoreUrl, { path: string }>,
  text: string,
  options: OpenOptions,
): Promise<Store> {
  const { log, mustExist } = options;
  const path = resolve(url.path);
  if (mustExist === true && !existsSync(path)) {
    throw new UsageError(
      `--store ${text}: ${path} does not exist (a store is created by \`cadenza dev\` or \`cadenza enqueue\`)`,
    );
  }
  mkdirSync(dirname(path), { recursive: true });
  if (url.kind === 'sqlite') {
    const { createSqliteStore } = await import('@cadenza/store-sqlite');
    return createSqliteStore({ path, ...sharingOptionsOf(options) });
  }
  if (url.kind === 'lmdb') {
    const { createLmdbStore } = await import('@cadenza/store-lmdb');
    return createLmdbStore({ path, ...sharingOptionsOf(options) });
  }
  const { createFileStore } = await import('@cadenza/store-file');
  return createFileStore({
    path,
    format: url.kind,
    ...definedOnly({ logger: log }),
    ...sharingOptionsOf(options),
  });
}

/**
 * A store as logs and start lines may show it: a Redis URL's password is masked, in each
 * URL of a comma-separated list (`--redis-cluster`, `--redis-sentinel`) too.
 */
export function displayStore(text: string): string {
  if (!/^rediss?:\/\//.test(text.trim())) return text;
  if (text.includes(',')) return text.split(',').map(displayStore).join(',');
  try {
    const url = new URL(text.trim());
    if (url.password !== '') url.password = '***';
    return url.toString().replace(/\/$/, '');
  } catch {
    return text.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/**
 * A flag's value as a refusal echoes it: as given, so that the user sees their own typo,
 * but with the password of every `//USER:PASSWORD@` in it shown as `***`.
 */
export function maskPasswords(text: string): string {
  return text.replace(/(\/\/[^:/@,]*:)[^@/,]*@/g, '$1***@');
}
