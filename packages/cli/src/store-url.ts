import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createMemoryStore, type Logger, type Store, type TenantLimits } from '@cadenza/core';
import { oneLine, UsageError } from './errors.js';
import type { RedisTlsFiles } from './redis-tls-flags.js';

export const DEFAULT_STORE = 'sqlite:./.cadenza/cadenza.db';

/** Where state lives, as `--store` names it (the stores are listed in packages/cli/README.md). */
export type StoreUrl =
  | { kind: 'memory' }
  | { kind: 'sqlite' | 'json' | 'snapshot'; path: string }
  | { kind: 'redis'; url: string };

const FORMS = '`memory`, `sqlite:PATH`, `json:PATH`, `snapshot:PATH` or `redis://HOST:PORT`';

/** Parses `memory`, `sqlite:PATH`, `json:PATH`, `snapshot:PATH`, `redis://…`, `rediss://…`. */
export function parseStoreUrl(text: string): StoreUrl {
  const value = text.trim();
  if (value === 'memory') return { kind: 'memory' };
  if (/^rediss?:\/\//.test(value)) return { kind: 'redis', url: value };
  const match = /^(sqlite|json|snapshot):(.*)$/.exec(value);
  if (match !== null) {
    const kind = match[1] as 'sqlite' | 'json' | 'snapshot';
    const path = match[2] ?? '';
    if (path === '') throw new UsageError(`--store: ${JSON.stringify(text)} names no file; expected ${kind}:PATH`);
    return { kind, path };
  }
  throw new UsageError(`--store: got ${JSON.stringify(text)}, expected ${FORMS}`);
}

export interface OpenOptions {
  /** Where a file store logs failed writes. */
  log?: Logger;
  /** Refuse a file that does not exist yet, rather than start an empty store (read-only verbs). */
  mustExist?: boolean;
  /** Key prefix of a Redis store (default `cz`); other stores ignore it. */
  prefix?: string;
  /** The flag that named the store, for messages: `--store` (default) or `--redis`. */
  flag?: string;
  /** Redlock instances for the leader lock of a Redis store (`--lock-redis`). */
  lockUrls?: readonly string[];
  /** How tenants share the store (`--tenant-weights`, `--tenant-limits`). */
  tenantWeights?: Record<string, number>;
  tenantLimits?: Record<string, TenantLimits>;
  /** Capacities shared by all tenants (`--resources`, `--job-concurrency`). */
  resources?: Record<string, number>;
  jobConcurrency?: Record<string, number>;
  /** TLS certificates of a `rediss://` store (`--redis-ca`, `--redis-cert`, `--redis-key`). */
  tls?: RedisTlsFiles;
}

/** The tenant and capacity options every store factory takes, as given. */
function tenantOptions(options: OpenOptions): {
  tenantWeights?: Record<string, number>;
  tenantLimits?: Record<string, TenantLimits>;
  resources?: Record<string, number>;
  jobConcurrency?: Record<string, number>;
} {
  return {
    ...(options.tenantWeights === undefined ? {} : { tenantWeights: options.tenantWeights }),
    ...(options.tenantLimits === undefined ? {} : { tenantLimits: options.tenantLimits }),
    ...(options.resources === undefined ? {} : { resources: options.resources }),
    ...(options.jobConcurrency === undefined ? {} : { jobConcurrency: options.jobConcurrency }),
  };
}

/**
 * Opens the store a `--store` (or `--redis`) value names and checks that it answers. The
 * folder of a file store is created when missing. Any fault is a `UsageError` (exit 2)
 * naming the flag and the store.
 */
export async function openStore(text: string, options: OpenOptions = {}): Promise<Store> {
  const { prefix } = options;
  const flag = options.flag ?? '--store';
  const url = parseStoreUrl(text);
  if (url.kind === 'memory') return createMemoryStore(tenantOptions(options));
  const shown = displayStore(text);
  let store: Store;
  try {
    if (url.kind === 'redis') {
      // Loaded only when asked for, as the file stores are: `cadenza dev` on SQLite never loads ioredis.
      const { createRedisStore } = await import('@cadenza/store-redis');
      store = createRedisStore({
        url: url.url,
        ...(prefix === undefined ? {} : { prefix }),
        ...(options.lockUrls === undefined ? {} : { lockUrls: options.lockUrls }),
        ...(options.tls === undefined ? {} : { tls: options.tls }),
        ...tenantOptions(options),
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
    return createSqliteStore({ path, ...tenantOptions(options) });
  }
  const { createFileStore } = await import('@cadenza/store-file');
  return createFileStore({
    path,
    format: url.kind,
    ...(log === undefined ? {} : { logger: log }),
    ...tenantOptions(options),
  });
}

/** A store as logs and start lines may show it: a Redis URL's password is masked. */
export function displayStore(text: string): string {
  if (!/^rediss?:\/\//.test(text.trim())) return text;
  try {
    const url = new URL(text.trim());
    if (url.password !== '') url.password = '***';
    return url.toString().replace(/\/$/, '');
  } catch {
    return text.replace(/\/\/[^@/]*@/, '//***@');
  }
}
