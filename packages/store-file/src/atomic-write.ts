import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Writes a whole file so that readers see either the old contents or the new, never a part. */
export type WriteFileAtomically = (path: string, data: Uint8Array) => Promise<void>;

/**
 * The write: the bytes go to `PATH.tmp-<pid>`, which is fsynced, then renamed over `PATH`
 * (atomic on POSIX file systems), then the directory is fsynced so that the rename itself
 * survives a power cut. On any failure the temporary file is removed and `PATH` is as it was.
 */
export const writeFileAtomically: WriteFileAtomically = async (path, data) => {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
  await syncDirectory(dirname(path));
};

/**
 * Removes temporary files that a process which died mid-write left beside `path`
 * (`PATH.tmp-<pid>` of a pid no longer running; this process's own are left alone, as another
 * store here may be writing). Never touches `path` itself.
 */
export async function removeStaleTemporaries(path: string): Promise<string[]> {
  const prefix = `${basename(path)}.tmp-`;
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = await readdir(dirname(path));
  } catch {
    return removed;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length));
    if (!Number.isInteger(pid) || pid <= 0 || isRunning(pid)) continue;
    await unlink(join(dirname(path), entry)).then(
      () => removed.push(entry),
      () => {},
    );
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** fsync of a directory; some platforms (Windows) cannot open one, which is not an error there. */
async function syncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}
