/**
 * Waits read from the run log of the `timed` fixture handler: each line is
 * `timed <jobId> <workerId> <attempt> <startedAt> <createdAt>` (epoch ms), so a job's wait
 * is its handler's start minus its enqueue, as the user who enqueued it sees it.
 */
import { readFileSync } from 'node:fs';

export interface TimedRun {
  jobId: string;
  worker: string;
  startedAt: number;
  createdAt: number;
}

export function readTimed(path: string): TimedRun[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('timed '))
    .map((line) => {
      const [, jobId = '', worker = '', , startedAt = '0', createdAt = '0'] = line.split(' ');
      return { jobId, worker, startedAt: Number(startedAt), createdAt: Number(createdAt) };
    });
}

/** The nearest-rank percentile `p` (0–100) of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** "p50 …, p99 …, max …" of some waits, in ms. */
export function describeWaits(waits: readonly number[]): string {
  const sorted = [...waits].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, max ${percentile(sorted, 100)} ms`;
}
