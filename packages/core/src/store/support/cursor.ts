import { invalidArgument } from '../../errors.js';

/**
 * For store implementations: paging cursors. Cursors are opaque to callers: base64url JSON
 * of the last returned item's sort key, so that a page boundary holds however many items
 * are added or deleted meanwhile. Shared so that every store refuses a bad cursor alike.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Decodes a cursor whose key has the given shape (`s` string, `n` number per element). */
export function decodeCursor(cursor: unknown, shape: string): (string | number)[] {
  const bad = () => invalidArgument('cursor', cursor, 'a nextCursor value returned by the previous page');
  if (typeof cursor !== 'string' || cursor === '') throw bad();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(key) || key.length !== shape.length) throw bad();
  const parts = key as unknown[];
  const ok = parts.every((part, i) =>
    shape[i] === 'n' ? typeof part === 'number' && Number.isFinite(part) : typeof part === 'string',
  );
  if (!ok) throw bad();
  return parts as (string | number)[];
}
