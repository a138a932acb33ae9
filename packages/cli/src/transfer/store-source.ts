import type { JobStatus, ListedJob, Store } from '@cadenza/core';
import { definedOnly } from '@cadenza/core';
import { type CopyJob, copyOfJob, parentVerdict } from './copy-job.js';
import type { SourceSchedule, TransferSource } from './source.js';

/** Jobs and schedules read per store call: enough to keep round trips few, small enough to hold. */
export const PAGE_SIZE = 500;

/** A store as a transfer reads it: through cursors, `pageSize` at a time. */
export function storeSource(store: Store, pageSize = PAGE_SIZE): TransferSource {
  let leftOut = 0;
  return {
    async *schedules() {
      let cursor: string | undefined;
      do {
        const page = await store.listSchedules({ limit: pageSize, ...definedOnly({ cursor }) });
        cursor = page.nextCursor;
        if (page.schedules.length > 0) {
          yield page.schedules.map(
            (schedule): SourceSchedule => ({ definition: schedule, nextFireAt: schedule.nextFireAt }),
          );
        }
      } while (cursor !== undefined);
    },
    async *independent() {
      for (const status of ['waiting', 'active', 'delayed'] as const) {
        for await (const jobs of pages(store, status, pageSize)) yield jobs.map((job) => copyOf(job, []));
      }
    },
    async *dependent() {
      let dropped = 0;
      for await (const jobs of pages(store, 'blocked', pageSize)) {
        const parentIds = [...new Set(jobs.flatMap((job) => job.dependsOn))];
        const parents = await store.getJobs(parentIds);
        const statusOf = new Map(parentIds.map((id, i) => [id, parents[i]?.status]));
        const copies: CopyJob[] = [];
        for (const job of jobs) {
          const verdicts = job.dependsOn.map((id) => [id, parentVerdict(statusOf.get(id))] as const);
          // Its parent ended badly: the coordinator would fail it (dependency_failed) on its
          // next tick, so it is as good as final and stays behind.
          if (verdicts.some(([, verdict]) => verdict === 'doomed')) {
            dropped += 1;
            continue;
          }
          copies.push(
            copyOf(
              job,
              verdicts.filter(([, verdict]) => verdict === 'copied').map(([id]) => id),
            ),
          );
        }
        if (copies.length > 0) yield copies;
      }
      leftOut = dropped;
    },
    leftOut: () => leftOut,
  };
}

function copyOf(job: ListedJob, parents: readonly string[]): CopyJob {
  return { job: copyOfJob(job, parents), was: job.status };
}

/** Every job of one status, with payloads, newest first; short and empty pages are read past. */
async function* pages(store: Store, status: JobStatus, pageSize: number): AsyncIterable<ListedJob[]> {
  let cursor: string | undefined;
  do {
    const page = await store.listJobs({
      status,
      limit: pageSize,
      include: { payload: true },
      ...definedOnly({ cursor }),
    });
    cursor = page.nextCursor;
    if (page.jobs.length > 0) yield page.jobs;
  } while (cursor !== undefined);
}
