import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createMemoryStore, type Logger, type Store } from '@cadenza/core';
import { oneLine, UsageError } from './errors.js';

export const DEFAULT_STORE = 'sqlite:./.cadenza/cadenza.db';

/** Where state lives, as `--store` names it (SPEC.md "Store"). */
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
}

/**
 * Opens the store a `--store` value names and checks that it answers. The folder of a
 * file store is created when missing. Any fault is a `UsageError` (exit 2) naming the store.
 */
export async function openStore(text: string, options: OpenOptions = {}): Promise<Store> {
  const { log } = options;
  const url = parseStoreUrl(text);
  if (url.kind === 'redis') {
    throw new UsageError(`--store ${url.url}: cluster mode arrives with store-redis; use sqlite:PATH for now`);
  }
  if (url.kind === 'memory') return createMemoryStore();
  const path = resolve(url.path);
  if (options.mustExist === true && !existsSync(path)) {
    throw new UsageError(
      `--store ${text}: ${path} does not exist (a store is created by \`cadenza dev\` or \`cadenza enqueue\`)`,
    );
  }
  let store: Store;
  try {
    mkdirSync(dirname(path), { recursive: true });
    if (url.kind === 'sqlite') {
      const { createSqliteStore } = await import('@cadenza/store-sqlite');
      store = await createSqliteStore({ path });
    } else {
      const { createFileStore } = await import('@cadenza/store-file');
      store = await createFileStore({ path, format: url.kind, ...(log === undefined ? {} : { logger: log }) });
    }
  } catch (error) {
    throw new UsageError(`--store ${text}: cannot be opened: ${oneLine(error)}`);
  }
  try {
    await store.ping();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw new UsageError(`--store ${text}: does not answer: ${oneLine(error)}`);
  }
  return store;
}
