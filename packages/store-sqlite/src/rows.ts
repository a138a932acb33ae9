import { CadenzaError, type Job, type JobError, type JobStatus } from '@cadenza/core';
import type { Ctx } from './context.js';

/** JSON text for a value, NULL for `undefined`; a value JSON cannot hold is refused. */
export function toJson(value: unknown): string | null {
  if (value === undefined) return null;
  try {
    return JSON.stringify(value) ?? null;
  } catch (cause) {
    throw new CadenzaError('invalid_argument', `a value the store cannot keep as JSON: ${String(cause)}`, { cause });
  }
}

export function fromJson<T = unknown>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T);
}

function opt<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

export interface JobRow {
  id: string;
  tenant: string;
  name: string;
  status: JobStatus;
  priority: number;
  payload: string | null;
  tags: string;
  max_attempts: number;
  backoff: string | null;
  timeout_ms: number | null;
  idempotency_key: string | null;
  depends_on: string;
  run_at: number | null;
  schedule_id: string | null;
  scheduled_for: number | null;
  attempt: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  result: string | null;
  error: string | null;
  progress: string | null;
  lease_worker: string | null;
  lease_token: string | null;
  lease_expires_at: number | null;
  qseq: number;
  /** JSON of the job's declared resources; NULL when it declares none. */
  resources: string | null;
}

/** The columns of a JobRow, in the table's order (listJobs names them, to leave some out). */
export const JOB_COLUMNS = [
  'id',
  'tenant',
  'name',
  'status',
  'priority',
  'payload',
  'tags',
  'max_attempts',
  'backoff',
  'timeout_ms',
  'idempotency_key',
  'depends_on',
  'run_at',
  'schedule_id',
  'scheduled_for',
  'attempt',
  'created_at',
  'started_at',
  'finished_at',
  'result',
  'error',
  'progress',
  'lease_worker',
  'lease_token',
  'lease_expires_at',
  'qseq',
  'resources',
] as const satisfies readonly (keyof JobRow)[];

// Every column of JobRow is listed: a column added to the row but not here fails to compile.
const everyColumn: Exclude<keyof JobRow, (typeof JOB_COLUMNS)[number]> extends never ? true : never = true;
void everyColumn;

export function jobOf(row: JobRow): Job {
  return {
    id: row.id,
    name: row.name,
    tenant: row.tenant,
    payload: fromJson(row.payload),
    priority: row.priority,
    tags: fromJson<string[]>(row.tags) ?? [],
    maxAttempts: row.max_attempts,
    backoff: fromJson(row.backoff),
    timeoutMs: opt(row.timeout_ms),
    idempotencyKey: opt(row.idempotency_key),
    dependsOn: fromJson<string[]>(row.depends_on) ?? [],
    runAt: opt(row.run_at),
    scheduleId: opt(row.schedule_id),
    scheduledFor: opt(row.scheduled_for),
    status: row.status,
    attempt: row.attempt,
    createdAt: row.created_at,
    startedAt: opt(row.started_at),
    finishedAt: opt(row.finished_at),
    result: fromJson(row.result),
    error: fromJson<JobError>(row.error),
    progress: fromJson(row.progress),
    lease:
      row.lease_token === null
        ? undefined
        : { workerId: row.lease_worker ?? '', token: row.lease_token, expiresAt: row.lease_expires_at ?? 0 },
    // Absent (not `undefined`) when none are declared, as core's NewJob has it.
    ...(row.resources === null ? {} : { resources: JSON.parse(row.resources) as Record<string, number> }),
  };
}

export function loadJob(ctx: Ctx, id: string): Job | undefined {
  const row = ctx.sql('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
  return row === undefined ? undefined : jobOf(row);
}

export function statusOf(ctx: Ctx, id: string): JobStatus | undefined {
  const row = ctx.sql('SELECT status FROM jobs WHERE id = ?').get(id) as { status: JobStatus } | undefined;
  return row?.status;
}

/** Inserts a new job (with its parent links and tags); `qseq` is its place in line. */
export function insertJob(ctx: Ctx, job: Job, qseq: number): void {
  ctx
    .sql(
      `INSERT INTO jobs (id, tenant, name, status, priority, payload, tags, max_attempts, backoff, timeout_ms,
         idempotency_key, depends_on, run_at, schedule_id, scheduled_for, attempt, created_at, started_at,
         finished_at, result, error, progress, lease_worker, lease_token, lease_expires_at, qseq, resources)
       VALUES (@id, @tenant, @name, @status, @priority, @payload, @tags, @max_attempts, @backoff, @timeout_ms,
         @idempotency_key, @depends_on, @run_at, @schedule_id, @scheduled_for, @attempt, @created_at, @started_at,
         @finished_at, @result, @error, @progress, @lease_worker, @lease_token, @lease_expires_at, @qseq, @resources)`,
    )
    .run({
      ...mutableColumns(job),
      id: job.id,
      tenant: job.tenant,
      name: job.name,
      priority: job.priority,
      payload: toJson(job.payload),
      tags: JSON.stringify(job.tags ?? []),
      max_attempts: job.maxAttempts,
      backoff: toJson(job.backoff),
      timeout_ms: job.timeoutMs ?? null,
      idempotency_key: job.idempotencyKey ?? null,
      depends_on: JSON.stringify(job.dependsOn),
      schedule_id: job.scheduleId ?? null,
      scheduled_for: job.scheduledFor ?? null,
      created_at: job.createdAt,
      qseq,
      resources: toJson(job.resources),
    });
  for (const parent of job.dependsOn) {
    ctx.sql('INSERT INTO job_deps (child_id, parent_id) VALUES (?, ?)').run(job.id, parent);
  }
  // The listing by tag (schema version 4); a tag given twice is filed once.
  for (const tag of new Set(job.tags)) {
    ctx
      .sql('INSERT INTO job_tags (job_id, tag, tenant, created_at) VALUES (?, ?, ?, ?)')
      .run(job.id, tag, job.tenant, job.createdAt);
  }
}

function mutableColumns(job: Job) {
  return {
    status: job.status,
    run_at: job.runAt ?? null,
    attempt: job.attempt,
    started_at: job.startedAt ?? null,
    finished_at: job.finishedAt ?? null,
    result: toJson(job.result),
    error: toJson(job.error),
    progress: toJson(job.progress),
    lease_worker: job.lease?.workerId ?? null,
    lease_token: job.lease?.token ?? null,
    lease_expires_at: job.lease?.expiresAt ?? null,
  };
}

/** Writes back what a job's life changes; `qseq` given means a new place in line. */
export function saveJob(ctx: Ctx, job: Job, qseq?: number): void {
  ctx
    .sql(
      `UPDATE jobs SET status = @status, run_at = @run_at, attempt = @attempt, started_at = @started_at,
         finished_at = @finished_at, result = @result, error = @error, progress = @progress,
         lease_worker = @lease_worker, lease_token = @lease_token, lease_expires_at = @lease_expires_at,
         qseq = COALESCE(@qseq, qseq)
       WHERE id = @id`,
    )
    .run({ ...mutableColumns(job), id: job.id, qseq: qseq ?? null });
}
