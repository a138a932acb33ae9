import type { EnqueueResult, FireResult, Job, NewJob, ScheduleFire } from '@cadenza/core';
import type { JobLabels, ProcessMetrics } from './process-metrics.js';

/** Adds to the job counters what one successful store call did, read from its arguments and answer. */
type Count = (metrics: ProcessMetrics, args: readonly unknown[], answer: unknown) => void;

/**
 * The store calls that create or cancel jobs, and what each adds to
 * `cadenza_jobs_enqueued_total` and `cadenza_jobs_canceled_total`. Read at the store
 * (instrument-store.ts), every job a process creates or cancels is counted there once,
 * whoever asked — the HTTP API, a schedule fire or trigger, the engine, a client or an
 * admin verb on the process's store. A repeated idempotency key, and a fire the store did
 * not apply, create nothing; the store refuses to cancel a final job, so none is counted
 * twice.
 */
export const COUNTED_CALLS: Readonly<Record<string, Count>> = {
  enqueue(metrics, [jobs], answer) {
    const results = answer as readonly EnqueueResult[];
    metrics.enqueued((jobs as readonly NewJob[]).filter((_job, i) => results[i]?.created === true));
  },
  recordFires(metrics, [, fires], answer) {
    const results = answer as readonly FireResult[];
    const created: JobLabels[] = [];
    (fires as readonly ScheduleFire[]).forEach((fire, i) => {
      const result = results[i];
      if (result?.applied !== true) return;
      for (let j = 0; j < result.jobIds.length; j++) {
        created.push({ name: fire.jobs[j]?.name ?? '', tenant: fire.tenant });
      }
    });
    metrics.enqueued(created);
  },
  // One job per trigger, as the HTTP API has always counted it.
  triggerSchedule(metrics, _args, answer) {
    metrics.enqueued([answer as Job]);
  },
  cancel(metrics, _args, answer) {
    metrics.canceled(answer as Job);
  },
};
