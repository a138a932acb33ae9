import type { ScheduleDefinition } from '@cadenza/core';
import type { CopyJob } from './copy-job.js';

// What migrate, import and the verification read from: a store (store-source.ts) or an
// NDJSON file (file-source.ts), seen the same way, a page at a time so that memory stays
// bounded whatever the number of jobs.

/** A schedule's definition and the next fire it must keep in the target. */
export interface SourceSchedule {
  definition: ScheduleDefinition;
  nextFireAt: number | undefined;
}

export interface TransferSource {
  /** Every schedule, a page at a time. */
  schedules(): AsyncIterable<SourceSchedule[]>;
  /** Unfinished jobs that wait for no other job (waiting, delayed, active), a page at a time. */
  independent(): AsyncIterable<CopyJob[]>;
  /**
   * Blocked jobs, a page at a time, each with `dependsOn` reduced to parents that are copied
   * too. Read again for every pass of the writer, so it must start over on every call.
   */
  dependent(): AsyncIterable<CopyJob[]>;
  /** Blocked jobs the last full read of `dependent` left out: a parent had failed or was canceled. */
  leftOut(): number;
}
