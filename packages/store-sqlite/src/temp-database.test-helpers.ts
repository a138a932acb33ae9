import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@cadenza/core';
import { afterEach, beforeEach } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';

export interface TempDatabase {
  /** The test's own database file, in a directory of its own. */
  readonly path: string;
  /** A store on that file, closed after the test. */
  open(): Store;
}

/**
 * A fresh SQLite file for each test of the calling file (a directory named after `name`,
 * removed after the test), and the stores the test opens on it, closed before it is removed.
 */
export function tempDatabase(name: string): TempDatabase {
  let dir = '';
  let opened: Store[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `cadenza-sqlite-${name}-`));
    opened = [];
  });
  afterEach(async () => {
    await Promise.all(opened.map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get path() {
      return join(dir, 'cadenza.db');
    },
    open() {
      const store = createSqliteStore({ path: this.path });
      opened.push(store);
      return store;
    },
  };
}
