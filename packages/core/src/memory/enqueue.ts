import { CadenzaError, invalidArgument } from '../errors.js';
import { type Job, type JobStatus, MAX_PRIORITY, MIN_PRIORITY, type NewJob } from '../model/job.js';
import type { EnqueueResult } from '../store/store.js';
import { dependencyError, verdictOf } from './dependencies.js';
import { fileNewJob } from './job-states.js';
import { uniqueKeysOf } from './job-table.js';
import type { MemoryState } from './state.js';

/** A checked batch, ready to be written: nothing in it can fail any more. */
export interface InsertPlan {
  results: EnqueueResult[];
  rows: Job[];
}

/** Field path prefix for the job at `index` of a batch: none for a batch of one. */
export function batchPrefix(length: number, index: number): string {
  return length === 1 ? '' : `jobs.${index}.`;
}

/**
 * The shape checks a store needs before a job enters its indexes (the priority picks a
 * ready band, `dependsOn` feeds the children index). Everything else was validated by
 * core's schemas.
 */
export function checkNewJob(job: NewJob, prefix: string): void {
  if (typeof job !== 'object' || job === null) throw invalidArgument(prefix.slice(0, -1) || 'job', job, 'a job');
  if (typeof job.id !== 'string' || job.id === '') throw invalidArgument(`${prefix}id`, job.id, 'a job id');
  if (typeof job.tenant !== 'string' || job.tenant === '') {
    throw invalidArgument(`${prefix}tenant`, job.tenant, 'a tenant name');
  }
  if (!Number.isInteger(job.priority) || job.priority < MIN_PRIORITY || job.priority > MAX_PRIORITY) {
    throw invalidArgument(`${prefix}priority`, job.priority, `a whole number from ${MIN_PRIORITY} to ${MAX_PRIORITY}`);
  }
  if (!Array.isArray(job.dependsOn) || !job.dependsOn.every((id) => typeof id === 'string')) {
    throw invalidArgument(`${prefix}dependsOn`, job.dependsOn, 'an array of job ids');
  }
  if (job.runAt !== undefined && !Number.isFinite(job.runAt)) {
    throw invalidArgument(`${prefix}runAt`, job.runAt, 'epoch milliseconds or nothing');
  }
  if (job.scheduledFor !== undefined && !Number.isFinite(job.scheduledFor)) {
    throw invalidArgument(`${prefix}scheduledFor`, job.scheduledFor, 'epoch milliseconds or nothing');
  }
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
 * - Status: failed (`dependency_failed`) when a parent ended failed or canceled, blocked
 *   while a parent has not succeeded, delayed while `runAt` is ahead, else waiting.
 */
export function planInserts(state: MemoryState, jobs: readonly NewJob[], now: number): InsertPlan {
  if (!Array.isArray(jobs)) throw invalidArgument('jobs', jobs, 'an array of jobs');
  const planned = new Map<string, Job>();
  const alias = new Map<string, string>();
  const keysInBatch = new Map<string, Job>();
  const results: EnqueueResult[] = [];
  const statusOf = (id: string): JobStatus | undefined => planned.get(id)?.status ?? state.jobs.get(id)?.status;

  jobs.forEach((input, index) => {
    const prefix = batchPrefix(jobs.length, index);
    checkNewJob(input, prefix);
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
    const dependsOn = resolveParents(state, input, prefix, planned, alias);
    const row = newRow(input, dependsOn, now);
    const verdict = verdictOf(dependsOn, statusOf);
    if (verdict.kind === 'failed') {
      row.status = 'failed';
      row.finishedAt = now;
      row.error = dependencyError(verdict.parentId, verdict.parentStatus);
    } else if (verdict.kind === 'blocked') {
      row.status = 'blocked';
    } else {
      row.status = row.runAt !== undefined && row.runAt > now ? 'delayed' : 'waiting';
    }
    planned.set(row.id, row);
    for (const key of keys) keysInBatch.set(key, row);
    results.push({ id: row.id, status: row.status, created: true });
  });
  return { results, rows: [...planned.values()] };
}

function resolveParents(
  state: MemoryState,
  job: NewJob,
  prefix: string,
  planned: ReadonlyMap<string, Job>,
  alias: ReadonlyMap<string, string>,
): string[] {
  const field = `${prefix}dependsOn`;
  const parents: string[] = [];
  for (const given of job.dependsOn) {
    if (given === job.id) throw invalidArgument(field, given, 'ids of other jobs (a job cannot depend on itself)');
    const id = alias.get(given) ?? given;
    const parent = planned.get(id) ?? state.jobs.get(id);
    // Another tenant's job is reported as unknown: tenants do not learn of each other's ids.
    if (parent === undefined || parent.tenant !== job.tenant) {
      throw invalidArgument(
        field,
        given,
        `the id of an existing job of tenant ${JSON.stringify(job.tenant)} or of an earlier job in the batch`,
      );
    }
    if (!parents.includes(id)) parents.push(id);
  }
  return parents;
}

function newRow(input: NewJob, dependsOn: string[], now: number): Job {
  return {
    ...structuredClone(input),
    dependsOn,
    status: 'waiting',
    attempt: 0,
    createdAt: now,
    startedAt: undefined,
    finishedAt: undefined,
    result: undefined,
    error: undefined,
    progress: undefined,
    lease: undefined,
  };
}

/** Writes a plan: rows into the table (and its key and children indexes), then each into the index of its status. */
export function applyInserts(state: MemoryState, plan: InsertPlan): void {
  for (const row of plan.rows) {
    state.jobs.insert(row);
    fileNewJob(state, row);
  }
}
