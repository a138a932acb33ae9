import type { DoctorCheck, DoctorFinding } from '@cadenza/core';
import type { Ctx } from './context.js';
import type { Transactions } from './transactions.js';

/** Rows read per statement: a big file is read a chunk at a time, never at once. */
export const CHUNK = 1000;

/**
 * Something a scan saw that may be wrong. Scans read in chunks, each chunk in its own
 * transaction, so another process may have changed things since: before it is reported, a
 * candidate is looked at again on its own (`recheck`), in one transaction with its fix.
 */
export interface Candidate {
  check: DoctorCheck;
  subject: string;
  /** What is wrong now, read again; undefined when it no longer is. */
  recheck(c: Ctx): string | undefined;
  /** Fixes it, in the recheck's transaction, and says what it did. Absent: reported only. */
  fix?: ((c: Ctx) => string) | undefined;
}

/** One chunk of a scan: what it raised, and where the next chunk starts (none: done). */
export interface Chunk<K> {
  candidates: Candidate[];
  next: K | undefined;
}

/**
 * Reads a table chunk by chunk (each in a read transaction of its own) and confirms what
 * each chunk raised before reading on, so that memory holds one chunk at a time. Yields
 * to the event loop between chunks: a server on the same file goes on answering.
 */
export async function scan<K>(
  tx: Transactions,
  first: K,
  step: (c: Ctx, from: K) => Chunk<K>,
  report: (candidate: Candidate) => void,
): Promise<void> {
  for (let from: K | undefined = first; from !== undefined; ) {
    const at: K = from;
    const chunk = tx.read((c) => step(c, at));
    for (const candidate of chunk.candidates) report(candidate);
    from = chunk.next;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Looks at a candidate again and, with `repair`, fixes it in the same (IMMEDIATE) transaction. */
export function confirm(tx: Transactions, candidate: Candidate, repair: boolean): DoctorFinding | undefined {
  const { check, subject, fix } = candidate;
  if (repair && fix !== undefined) {
    return tx.write((c) => {
      const message = candidate.recheck(c);
      return message === undefined ? undefined : { check, subject, message, repaired: fix(c) };
    });
  }
  const message = tx.read((c) => candidate.recheck(c));
  return message === undefined ? undefined : { check, subject, message };
}
