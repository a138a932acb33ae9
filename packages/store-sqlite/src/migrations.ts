import { CadenzaError } from '@cadenza/core';
import type Database from 'better-sqlite3';
import { SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4, SCHEMA_V5, SCHEMA_V6, SCHEMA_V7 } from './schema.js';

/**
 * The schema's history, oldest first: migration `i` takes a database from version `i` to
 * `i + 1` (SQLite's `user_version`, 0 for a new file). Append only: a released migration
 * never changes, so that every database walks the same path.
 */
export const MIGRATIONS: readonly string[] = [
  SCHEMA_V1,
  SCHEMA_V2,
  SCHEMA_V3,
  SCHEMA_V4,
  SCHEMA_V5,
  SCHEMA_V6,
  SCHEMA_V7,
];

/** The version this code writes: a database at a higher one was written by a newer cadenza. */
export const SCHEMA_VERSION = MIGRATIONS.length;

function versionOf(db: Database.Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

function tooNew(path: string, found: number): CadenzaError {
  return new CadenzaError(
    'unavailable',
    `sqlite store ${path}: database schema version ${found} is newer than this cadenza supports (${SCHEMA_VERSION}); upgrade cadenza to open it`,
  );
}

/** Refuses, before anything is written, a database whose schema is newer than ours. */
export function refuseNewer(db: Database.Database, path: string): void {
  const found = versionOf(db);
  if (found > SCHEMA_VERSION) throw tooNew(path, found);
}

/**
 * Brings the database up to SCHEMA_VERSION, each step in its own IMMEDIATE transaction
 * (so two processes opening one new file migrate it once), and refuses a database
 * written by a newer version without touching it.
 */
export function migrate(db: Database.Database, path: string): void {
  refuseNewer(db, path);
  for (;;) {
    const step = db.transaction((): boolean => {
      const version = versionOf(db);
      if (version > SCHEMA_VERSION) throw tooNew(path, version);
      const sql = MIGRATIONS[version];
      if (sql === undefined) return false;
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
      return true;
    });
    if (!step.immediate()) return;
  }
}
