import type { Store } from '@cadenza/core';
import type { TransferSource } from './source.js';
import { type Verification, verify } from './verify.js';
import { type JobCounts, writeJobs } from './write-jobs.js';
import { type ScheduleCounts, writeSchedules } from './write-schedules.js';

// The writing half that migrate and import share: schedules, then jobs, then the check.

export interface TransferReport {
  schedules: ScheduleCounts;
  jobs: JobCounts;
  verification: Verification;
}

/**
 * Copies `source` into `target` at `now` (one instant for every write of the run, so that
 * a delayed job is delayed or due by one measure), then verifies the target against the
 * source at `checkedAt`.
 */
export async function runTransfer(
  source: TransferSource,
  target: Store,
  now: number,
  checkedAt: () => number,
): Promise<TransferReport> {
  const schedules = await writeSchedules(source, target, now);
  const jobs = await writeJobs(source, target, now);
  const verification = await verify(source, target, checkedAt());
  return { schedules, jobs, verification };
}

/** What a transfer prints: what was written, what was left, and whether the check passed. */
export function reportLines({ schedules, jobs, verification: v }: TransferReport): string[] {
  const lines = [
    `schedules: ${schedules.written - schedules.present} copied, ${schedules.present} already there`,
    `jobs: ${jobs.copied} copied, ${jobs.present} already there, ${jobs.leftOut} blocked behind a failed or canceled parent left behind (${jobs.passes} ${jobs.passes === 1 ? 'pass' : 'passes'} over blocked jobs)`,
  ];
  if (jobs.duplicates.length > 0) {
    lines.push(
      `jobs not created, as another job in the target holds their idempotency key or fire: ${jobs.duplicates.join(', ')}`,
    );
  }
  if (schedules.unequal.length > 0) {
    lines.push(`schedules whose next fire could not be kept: ${schedules.unequal.join(', ')}`);
  }
  const counts = (['waiting', 'delayed', 'blocked'] as const)
    .map((status) => `${status} ${v.jobs[status].source}/${v.jobs[status].target}`)
    .join(', ');
  lines.push(
    `verified (expected/found): ${counts}, schedules ${v.schedules.source}/${v.schedules.target}; compared ${v.sampled.jobs} jobs and ${v.sampled.schedules} schedules field by field`,
  );
  if (v.differences.length === 0) lines.push('verification: the target matches');
  else lines.push(`verification FAILED: ${v.differences.length} difference(s):`, ...v.differences.map((d) => `  ${d}`));
  return lines;
}

/** Whether the run left anything to look at: a difference, an unkept fire or a duplicate. */
export function transferFailed(report: TransferReport): boolean {
  return (
    report.verification.differences.length > 0 ||
    report.schedules.unequal.length > 0 ||
    report.jobs.duplicates.length > 0
  );
}
