import type { EnqueueResult, FireResult, Job, NewJob, ScheduleFire } from '@cadenza/core';
import type { JobLabels } from './process-metrics.js';

/** Reads, from a store call's arguments and its answer, the jobs that call created. */
type CreatedBy = (args: readonly unknown[], answer: unknown) => readonly JobLabels[];

/**
 * The store calls that create jobs, and which of their jobs are new: what
 * `cadenza_jobs_enqueued_total` counts. Read at the store (instrument-store.ts), every job a
 * process creates is counted there once, whoever asked — the HTTP API, a schedule fire or
 * trigger, the engine, a client or an admin verb on the process's store. A repeated
 * idempotency key, and a fire the store did not apply, create nothing.
 */
export const CREATED_BY: Readonly<Record<string, CreatedBy>> = {
  enqueue([jobs], answer) {
    const results = answer as readonly EnqueueResult[];
    return (jobs as readonly NewJob[]).filter((_job, i) => results[i]?.created === true);
  },
  recordFires([, fires], answer) {
    const results = answer as readonly FireResult[];
    const created: JobLabels[] = [];
    (fires as readonly ScheduleFire[]).forEach((fire, i) => {
      const result = results[i];
      if (result?.applied !== true) return;
      for (let j = 0; j < result.jobIds.length; j++) {
        created.push({ name: fire.jobs[j]?.name ?? '', tenant: fire.tenant });
      }
    });
    return created;
  },
  // One job per trigger, as the HTTP API has always counted it.
  triggerSchedule(_args, answer) {
    return [answer as Job];
  },
};

/**
 * The job a successful `cancel` canceled: what `cadenza_jobs_canceled_total` counts, read at
 * the store like the enqueued count, whoever asked (the HTTP API, a client, an admin verb).
 * The store refuses to cancel a final job, so each job is counted once.
 */
export function canceledBy(answer: unknown): JobLabels {
  return answer as Job;
}
