import { CadenzaError, type EnqueueResult, invalidArgument, type Job, type NewJob } from '@cadenza/core';
import {
  batchPrefix,
  checkNewJob,
  newJobRow,
  resolveParentIds,
  setNewJobStatus,
  verdictOf,
} from '@cadenza/core/store-kit';
import type { Ctx } from './context.js';
import { fileNewJob } from './job-states.js';
import { insertJob, type JobRow, jobOf, statusOf } from './rows.js';

/** The kept job holding one of `job`'s unique keys (idempotency key, or schedule fire). */
function keptHolder(ctx: Ctx, job: NewJob): Job | undefined {
  if (job.idempotencyKey !== undefined) {
    const row = ctx
      .sql('SELECT * FROM jobs WHERE tenant = ? AND idempotency_key = ?')
      .get(job.tenant, job.idempotencyKey) as JobRow | undefined;
    if (row !== undefined) return jobOf(row);
  }
  if (job.scheduleId !== undefined && job.scheduledFor !== undefined) {
    const row = ctx
      .sql('SELECT * FROM jobs WHERE tenant = ? AND schedule_id = ? AND scheduled_for = ?')
      .get(job.tenant, job.scheduleId, job.scheduledFor) as JobRow | undefined;
    if (row !== undefined) return jobOf(row);
  }
  return undefined;
}

/**
 * Adds a batch inside the caller's transaction, job by job; a refusal throws, and the
 * transaction's rollback takes back the jobs already written (all or nothing). Each job
 * sees the earlier jobs of its batch as rows, so the memory store's rules follow:
 *
 * - A job holding a unique key that a kept job (or an earlier job of the batch) holds
 *   creates nothing and reports that job (`created: false`); its own id then stands for
 *   that job as a parent of later jobs in the batch.
 * - `dependsOn` ids must name existing jobs of the same tenant (so earlier in the batch:
 *   no cycle can form); a job naming itself is refused.
 * - Status: failed (`dependency_failed`) when a parent ended failed or canceled, blocked
 *   while a parent has not succeeded, delayed while `runAt` is ahead, else waiting.
 */
export function enqueueBatch(ctx: Ctx, jobs: readonly NewJob[], now: number): EnqueueResult[] {
  if (!Array.isArray(jobs)) throw invalidArgument('jobs', jobs, 'an array of jobs');
  const alias = new Map<string, string>();
  const results: EnqueueResult[] = [];
  jobs.forEach((input, index) => {
    const prefix = batchPrefix(jobs.length, index);
    checkNewJob(input, prefix);
    // A job asking more of a resource than its capacity could never start.
    ctx.gates.check(input, prefix);
    if (statusOf(ctx, input.id) !== undefined || alias.has(input.id)) {
      throw new CadenzaError('conflict', `${prefix}id: a job with id ${JSON.stringify(input.id)} exists already`, {
        field: `${prefix}id`,
      });
    }
    const kept = keptHolder(ctx, input);
    if (kept !== undefined) {
      alias.set(input.id, kept.id);
      results.push({ id: kept.id, status: kept.status, created: false });
      return;
    }
    const dependsOn = resolveParentIds(input, prefix, alias, (id) => tenantOf(ctx, id));
    const row = newJobRow(input, dependsOn, now);
    setNewJobStatus(
      row,
      verdictOf(dependsOn, (id) => statusOf(ctx, id)),
      now,
    );
    insertJob(ctx, row, ctx.nextSeq());
    fileNewJob(ctx, row);
    results.push({ id: row.id, status: row.status, created: true });
  });
  return results;
}

function tenantOf(ctx: Ctx, id: string): string | undefined {
  const row = ctx.sql('SELECT tenant FROM jobs WHERE id = ?').get(id) as { tenant: string } | undefined;
  return row?.tenant;
}
