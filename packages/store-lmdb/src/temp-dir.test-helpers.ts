import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** A fresh temporary folder for this test file, removed afterwards; `file()` names a new file in it. */
export function tempFolder(): { readonly dir: string; file(ext?: string): string } {
  let dir: string | undefined;
  let n = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cadenza-store-lmdb-'));
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir(): string {
      if (dir === undefined) throw new Error('the folder exists only inside tests');
      return dir;
    },
    file(ext = 'lmdb'): string {
      n += 1;
      return join(this.dir, `store-${n}.${ext}`);
    },
  };
}
