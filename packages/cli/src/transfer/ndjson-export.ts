import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { CopyJob } from './copy-job.js';
import { headerLine, jobLine, scheduleLine } from './ndjson-lines.js';
import type { TransferSource } from './source.js';

export interface ExportCounts {
  schedules: number;
  jobs: number;
  /** Blocked jobs left out: a parent had failed or was canceled. */
  leftOut: number;
}

/**
 * Writes `source` to `out` as an export file: the header, every schedule, the jobs that
 * wait for no other, the blocked jobs, and the end line with the counts. Waits for the
 * stream to drain whenever it asks, so that a slow disk or pipe never lets lines pile up.
 */
export async function writeExport(
  source: TransferSource,
  out: Writable,
  writer: string,
  now: number,
): Promise<ExportCounts> {
  const write = async (value: unknown) => {
    if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, 'drain');
  };
  const counts: ExportCounts = { schedules: 0, jobs: 0, leftOut: 0 };
  await write(headerLine(writer, now));
  for await (const page of source.schedules()) {
    for (const schedule of page) {
      await write(scheduleLine(schedule));
      counts.schedules += 1;
    }
  }
  const writeJobs = async (page: readonly CopyJob[]) => {
    for (const copy of page) {
      await write(jobLine(copy));
      counts.jobs += 1;
    }
  };
  for await (const page of source.independent()) await writeJobs(page);
  for await (const page of source.dependent()) await writeJobs(page);
  counts.leftOut = source.leftOut();
  await write({ kind: 'end', schedules: counts.schedules, jobs: counts.jobs });
  return counts;
}
