import { CadenzaError, invalidArgument } from '../errors.js';
import type { Job, JobStatus, NewJob } from '../model/job.js';
import type { EnqueueResult } from '../store/store.js';
import { setNewJobStatus, verdictOf } from '../store/support/dependencies.js';
import { batchPrefix, checkNewJob } from '../store/support/new-job.js';
import { newJobRow, resolveParentIds } from '../store/support/new-row.js';
import { fileNewJob } from './job-states.js';
import { uniqueKeysOf } from './job-table.js';
import type { MemoryState } from './state.js';

/**
 * Whether jobs asking more units of a resource than its capacity are refused (`check`:
 * enqueue, a manual trigger) or let in to wait (`admit`: a schedule's fires, which a
 * refusal would stall for good; the job waits until the capacity is raised).
 */
export type GateCheck = 'check' | 'admit';

/** A checked batch, ready to be written: nothing in it can fail any more. */
export interface InsertPlan {
  results: EnqueueResult[];
  rows: Job[];
}

/**
 * Checks a batch and works out each job's fate without changing anything; throws (and so
 * writes nothing) on the first refusal.
 *
 * - A job holding a unique key (idempotency key, or a schedule's fire) that a kept job or
 *   an earlier job of the batch holds already creates nothing and reports that job
 *   (`created: false`). Its own id then stands for that job: a later job of the batch
 *   that depends on it depends on the kept one (a batch sent again after a timeout keeps
 *   its shape). Its own `dependsOn` is not looked at, as it creates nothing.
 * - `dependsOn` ids must name existing jobs of the same tenant or earlier jobs of the
 *   batch (so no cycle can form); a job naming itself is refused.
 * - A job asking more units of a resource than its capacity is refused (see GateCheck).
 * - Status: failed (`dependency_failed`) when a parent ended failed or canceled, blocked
 *   while a parent has not succeeded, delayed while `runAt` is ahead, else waiting.
 */
export function planInserts(
  state: MemoryState,
  jobs: readonly NewJob[],
  now: number,
  gates: GateCheck = 'check',
): InsertPlan {
  if (!Array.isArray(jobs)) throw invalidArgument('jobs', jobs, 'an array of jobs');
  const planned = new Map<string, Job>();
  const alias = new Map<string, string>();
  const keysInBatch = new Map<string, Job>();
  const results: EnqueueResult[] = [];
  const statusOf = (id: string): JobStatus | undefined => planned.get(id)?.status ?? state.jobs.get(id)?.status;
  const tenantOf = (id: string): string | undefined => (planned.get(id) ?? state.jobs.get(id))?.tenant;

  jobs.forEach((input, index) => {
    const prefix = batchPrefix(jobs.length, index);
    checkNewJob(input, prefix);
    if (gates === 'check') state.holdings.gates.check(input, prefix);
    if (state.jobs.get(input.id) !== undefined || planned.has(input.id) || alias.has(input.id)) {
      throw new CadenzaError('conflict', `${prefix}id: a job with id ${JSON.stringify(input.id)} exists already`, {
        field: `${prefix}id`,
      });
    }
    const keys = uniqueKeysOf(input);
    const kept = keys.map((k) => keysInBatch.get(k) ?? state.jobs.holderOf(k)).find((j) => j !== undefined);
    if (kept !== undefined) {
      alias.set(input.id, kept.id);
      results.push({ id: kept.id, status: kept.status, created: false });
      return;
    }
    const dependsOn = resolveParentIds(input, prefix, alias, tenantOf);
    // A copy: the store keeps no reference to the caller's objects.
    const row = newJobRow(structuredClone(input), dependsOn, now);
    setNewJobStatus(row, verdictOf(dependsOn, statusOf), now);
    planned.set(row.id, row);
    for (const key of keys) keysInBatch.set(key, row);
    results.push({ id: row.id, status: row.status, created: true });
  });
  return { results, rows: [...planned.values()] };
}

/** Writes a plan: rows into the table (and its key and children indexes), then each into the index of its status. */
export function applyInserts(state: MemoryState, plan: InsertPlan): void {
  for (const row of plan.rows) {
    state.jobs.insert(row);
    fileNewJob(state, row);
  }
}
