import { closeSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { CadenzaError } from '@cadenza/core';
import { type Database, open, type RootDatabase } from 'lmdb';

/**
 * The version of the file's layout: two databases in one LMDB environment, `meta` (this
 * number, the last checkpoint and the seq it covers) and `log` (the operations since, by
 * seq). A file with a larger number was written by a newer cadenza and is refused.
 */
export const LMDB_STORE_FORMAT = 1;

/** The keys of the `meta` database; values are node:v8 serialisations. */
export const META = {
  format: 'format',
  /** The seq the checkpoint covers (small, read on every catch-up). */
  checkpointSeq: 'checkpointSeq',
  /** `{ config, state }`: the options in force and core's exported state at that seq. */
  checkpoint: 'checkpoint',
} as const;

/** One LMDB environment (the file PATH, beside it PATH-lock) and its two databases. */
export interface LmdbFile {
  readonly path: string;
  readonly root: RootDatabase;
  readonly meta: Database<Buffer, string>;
  readonly log: Database<Buffer, number>;
}

/**
 * Opens (creating if need be, with its folder) the environment at `path`, refusing with
 * `unavailable`, naming the path, a file LMDB cannot read, one that is not a cadenza store,
 * or one of a newer format. A new file gets the format number in its first transaction.
 */
export function openLmdbFile(path: string): LmdbFile {
  let root: RootDatabase;
  checkHeader(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    // noSubdir: the store is the one file PATH (lmdb-js would take a PATH without an
    // extension for a folder). Writes are committed before they are acknowledged; with
    // lmdb-js's default overlapping sync, the flush to disk follows the commit (see README).
    root = open({ path, noSubdir: true, maxDbs: 4, encoding: 'binary' });
  } catch (error) {
    throw cannotOpen(path, `LMDB cannot open it: ${(error as Error).message}`, error);
  }
  try {
    const meta = root.openDB<Buffer, string>({ name: 'meta', encoding: 'binary' });
    const log = root.openDB<Buffer, number>({ name: 'log', encoding: 'binary', keyEncoding: 'uint32' });
    const file: LmdbFile = { path, root, meta, log };
    checkFormat(file);
    return file;
  } catch (error) {
    void root.close().catch(() => undefined);
    if (error instanceof CadenzaError) throw error;
    throw cannotOpen(path, `it is not a readable cadenza store: ${(error as Error).message}`, error);
  }
}

/** LMDB's magic number, at this offset in each of the two meta pages that begin the file. */
const LMDB_MAGIC = 0xbeefc0de;
const MAGIC_OFFSET = 24;
const PAGE_SIZES = [4096, 8192, 16384, 32768, 65536];

/**
 * Refuses a file that does not begin with LMDB's two meta pages. LMDB maps the file into
 * memory and trusts it: opening a file of another kind crashes the process (a segmentation
 * fault) rather than failing, so the header is read first. A missing or empty file is new.
 */
function checkHeader(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw cannotOpen(path, `it cannot be read: ${(error as Error).message}`, error);
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const magicAt = (offset: number): boolean => {
      const bytes = Buffer.alloc(4);
      return readSync(fd, bytes, 0, 4, offset + MAGIC_OFFSET) === 4 && bytes.readUInt32LE(0) === LMDB_MAGIC;
    };
    if (!magicAt(0)) throw cannotOpen(path, 'it is not an LMDB file (no LMDB header)');
    if (!PAGE_SIZES.some((page) => size >= 2 * page && magicAt(page))) {
      throw cannotOpen(path, 'it is truncated (its second LMDB meta page is missing)');
    }
  } catch (error) {
    if (error instanceof CadenzaError) throw error;
    throw cannotOpen(path, `it cannot be read: ${(error as Error).message}`, error); // a folder, say
  } finally {
    closeSync(fd);
  }
}

/** Checks (and for a new file writes) the format number, in one write transaction. */
function checkFormat(file: LmdbFile): void {
  file.root.transactionSync(() => {
    const bytes = file.meta.get(META.format);
    if (bytes === undefined) {
      const used = file.log.getKeysCount({ limit: 1 }) > 0 || file.meta.get(META.checkpointSeq) !== undefined;
      if (used) throw cannotOpen(file.path, 'it holds data but no format number (not a cadenza store?)');
      file.meta.putSync(META.format, encodeValue(LMDB_STORE_FORMAT));
      return;
    }
    const format = decodeValue(bytes, file.path, 'format');
    if (typeof format !== 'number' || !Number.isInteger(format) || format < 1) {
      throw cannotOpen(file.path, `its format is ${String(format)}, expected a whole number (not a cadenza store?)`);
    }
    if (format > LMDB_STORE_FORMAT) {
      throw cannotOpen(
        file.path,
        `it was written by a newer cadenza (format ${format}; this one reads up to ${LMDB_STORE_FORMAT})`,
      );
    }
  });
}

/** Values are stored as node:v8 serialisations (they keep undefined fields, as structuredClone does). */
export function encodeValue(value: unknown): Buffer {
  return serialize(value);
}

/** A node:v8 value read back; a value that does not decode is a corrupt file. */
export function decodeValue(bytes: Uint8Array, path: string, what: string): unknown {
  try {
    return deserialize(bytes);
  } catch (error) {
    throw cannotOpen(path, `its ${what} does not decode (corrupt?): ${(error as Error).message}`, error);
  }
}

export function cannotOpen(path: string, what: string, cause?: unknown): CadenzaError {
  return new CadenzaError('unavailable', `cannot open store lmdb:${path}: ${what}`, { cause });
}
