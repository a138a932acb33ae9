import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** A test file's temporary folder (see tempFolder). */
export interface TempFolder {
  /** The folder; there only inside the file's tests. */
  readonly dir: string;
  /** A new file name in the folder, never given before (`store-1.<ext>`, `store-2.<ext>`, …). */
  file(ext?: string): string;
}

/**
 * A fresh temporary folder for the calling test file (named `cadenza-<name>-…`), removed
 * after its tests: for a file-backed store's tests, each of which asks `file()` for a file
 * of its own. `ext` is the default extension of those files.
 */
export function tempFolder(name: string, ext: string): TempFolder {
  let dir: string | undefined;
  let n = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `cadenza-${name}-`));
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir(): string {
      if (dir === undefined) throw new Error('the folder exists only inside tests');
      return dir;
    },
    file(extension = ext): string {
      n += 1;
      return join(this.dir, `store-${n}.${extension}`);
    },
  };
}
