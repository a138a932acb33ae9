import type { NewJob, Store } from '@cadenza/core';
import type { CopyJob } from './copy-job.js';
import type { TransferSource } from './source.js';

export interface JobCounts {
  /** Jobs this run created in the target. */
  copied: number;
  /** Jobs the target held already (an earlier, interrupted run copied them). */
  present: number;
  /** Blocked jobs left behind because a parent had failed or was canceled. */
  leftOut: number;
  /** Jobs the target refused as duplicates: another job holds their idempotency key or schedule fire (`id` each, the first few). */
  duplicates: string[];
  /** How many times the blocked jobs were read. */
  passes: number;
}

/** The most duplicates named in a report; the count says how many more there were. */
const NAMED = 20;

/**
 * Copies every unfinished job of `source` into `target` with `enqueue`, parents before
 * children, a page at a time. Jobs the target already holds (by id) are skipped, so that a
 * run after an interruption finishes the copy rather than doubling it.
 *
 * Blocked jobs may wait for other blocked jobs on later pages, so they are read in passes:
 * each pass writes those whose copied parents are in the target already (or earlier in
 * the same batch), until a pass leaves none behind. No pass holds more than a page.
 */
export async function writeJobs(source: TransferSource, target: Store, now: number): Promise<JobCounts> {
  const counts: JobCounts = { copied: 0, present: 0, leftOut: 0, duplicates: [], passes: 0 };
  let duplicates = 0;
  const write = async (batch: NewJob[]) => {
    if (batch.length === 0) return;
    const results = await target.enqueue(batch, now);
    results.forEach((result, i) => {
      if (result.created) counts.copied += 1;
      else {
        duplicates += 1;
        if (counts.duplicates.length < NAMED) counts.duplicates.push(batch[i]?.id ?? result.id);
      }
    });
  };

  for await (const page of source.independent()) {
    const missing = await notIn(target, page);
    counts.present += page.length - missing.length;
    await write(missing.map((copy) => copy.job));
  }

  for (let pass = 1; ; pass += 1) {
    counts.passes = pass;
    let written = 0;
    let held = 0;
    const named: string[] = [];
    for await (const page of source.dependent()) {
      const missing = await notIn(target, page);
      // Only the first pass meets jobs of an earlier run; later ones meet their own.
      if (pass === 1) counts.present += page.length - missing.length;
      const ordered = await orderPage(target, missing);
      await write(ordered.batch);
      written += ordered.batch.length;
      held += ordered.held.length;
      named.push(...ordered.held.slice(0, NAMED - named.length));
    }
    counts.leftOut = source.leftOut();
    if (held === 0) break;
    if (written === 0) {
      // Nothing moved: their parents will never be in the target (one was a duplicate, or
      // the source changed under the copy).
      throw new Error(
        `${held} blocked jobs wait for parents that are not in the target (${named.join(', ')}); check those parents and run again`,
      );
    }
  }
  if (duplicates > counts.duplicates.length) counts.duplicates.push(`… ${duplicates - counts.duplicates.length} more`);
  return counts;
}

/** The jobs of a page that the target does not hold yet. */
async function notIn(target: Store, page: readonly CopyJob[]): Promise<CopyJob[]> {
  const found = await target.getJobs(page.map((copy) => copy.job.id));
  return page.filter((_, i) => found[i] === undefined);
}

/**
 * The page's jobs that can be written now, parents before children: each whose copied
 * parents are in the target or earlier in the batch. The rest (`held`, their ids) wait
 * for a later pass.
 */
async function orderPage(target: Store, page: readonly CopyJob[]): Promise<{ batch: NewJob[]; held: string[] }> {
  const parentIds = [...new Set(page.flatMap((copy) => copy.job.dependsOn))];
  const found = await target.getJobs(parentIds);
  const ready = new Set(parentIds.filter((_, i) => found[i] !== undefined));
  const batch: NewJob[] = [];
  let rest = [...page];
  for (let moved = true; moved && rest.length > 0; ) {
    moved = false;
    const next: CopyJob[] = [];
    for (const copy of rest) {
      if (copy.job.dependsOn.every((id) => ready.has(id))) {
        batch.push(copy.job);
        ready.add(copy.job.id);
        moved = true;
      } else next.push(copy);
    }
    rest = next;
  }
  return { batch, held: rest.map((copy) => copy.job.id) };
}
