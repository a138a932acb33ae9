import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { CadenzaError } from '@cadenza/core';
import Database from 'better-sqlite3';
import { migrate, refuseNewer } from './migrations.js';

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if need be) the database file with the pragmas the store relies on:
 * WAL (readers never block the writer, and the file survives a crash), synchronous
 * NORMAL (durable at checkpoints, safe with WAL), foreign keys (index rows go with their
 * job), and a busy timeout so that a second process waits for the write lock instead of
 * failing at once. A database written by a newer cadenza is refused before any of that
 * touches it; otherwise the schema is migrated (see migrations.ts). The file's directory
 * is created when missing (`cadenza dev` defaults to ./.cadenza/cadenza.db).
 */
export function openDatabase(path: string, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS): Database.Database {
  let db: Database.Database;
  try {
    if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: busyTimeoutMs });
  } catch (cause) {
    throw new CadenzaError('unavailable', `sqlite store ${path}: cannot open the database: ${String(cause)}`, {
      cause,
    });
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    refuseNewer(db, path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, path);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof CadenzaError) throw error;
    throw new CadenzaError('unavailable', `sqlite store ${path}: cannot prepare the database: ${String(error)}`, {
      cause: error,
    });
  }
}
