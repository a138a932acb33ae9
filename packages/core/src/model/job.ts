/**
 * A job's life, as docs/jobs.md states it:
 *
 *            enqueue
 *   ┌──────────┼───────────────┐
 *   ▼          ▼               ▼
 * delayed ──► waiting ◄──── blocked (dependsOn)
 *   ▲          │ claim          │ a parent failed or was canceled
 *   │ retry    ▼                ▼
 *   └────── active ──────► failed ◄── (lease lost, attempts spent)
 *   graceful   │  │
 *   release ◄──┘  └──► succeeded
 *   (→ waiting, attempt not spent)
 *
 * canceled: from any state that is not final. succeeded, failed and canceled are final;
 * only an explicit retry turns failed back into waiting.
 */
export const JOB_STATUSES = ['waiting', 'delayed', 'blocked', 'active', 'succeeded', 'failed', 'canceled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'canceled']);

export function isFinalStatus(status: JobStatus): boolean {
  return FINAL_STATUSES.has(status);
}

export const MIN_PRIORITY = 0;
export const MAX_PRIORITY = 9;
export const DEFAULT_PRIORITY = 5;
export const DEFAULT_TENANT = 'default';

export type Jitter = 'none' | 'full' | 'equal';

export interface BackoffPolicy {
  type: 'fixed' | 'linear' | 'exponential';
  delayMs: number;
  maxDelayMs?: number;
  jitter?: Jitter;
}

/** Codes a job's `error.code` can carry, besides whatever a handler's error names. */
export const JOB_ERROR_CODES = [
  'handler_error',
  'timeout',
  'dependency_failed',
  'lease_expired',
  'no_handler',
  'resource_exhausted',
] as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];

export interface JobError {
  code: string;
  message: string;
}

/** What a user asks to enqueue (the body of `POST /v1/jobs`), before validation. */
export interface JobInput {
  name: string;
  tenant?: string;
  payload?: unknown;
  priority?: number;
  delayMs?: number;
  /** ISO-8601 instant (or a Date) before which the job does not run. */
  runAt?: string | Date;
  idempotencyKey?: string;
  dependsOn?: string[];
  tags?: string[];
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  timeoutMs?: number;
  /** Named resources the job holds while active (`{ gpu: 1 }`); it starts only when all are free. */
  resources?: Record<string, number>;
}

/**
 * A validated job, complete with its generated id and defaults, ready for a store.
 * Times are epoch milliseconds throughout the engine; only the HTTP API speaks ISO-8601.
 */
export interface NewJob {
  id: string;
  name: string;
  tenant: string;
  payload: unknown;
  priority: number;
  tags: string[];
  maxAttempts: number;
  backoff: BackoffPolicy | undefined;
  timeoutMs: number | undefined;
  idempotencyKey: string | undefined;
  dependsOn: string[];
  /** Epoch ms before which the job is `delayed`; undefined means ready now. */
  runAt: number | undefined;
  scheduleId: string | undefined;
  scheduledFor: number | undefined;
  /**
   * Units of named resources the job holds while active (`{ gpu: 1 }`), counted against the
   * capacities a store is given (core's ResourceLimits); absent when it declares none.
   */
  resources?: Record<string, number>;
}

/** A worker's hold on an active job. The token changes with every claim. */
export interface JobLease {
  workerId: string;
  token: string;
  expiresAt: number;
}

/** A job as stored and reported. */
export interface Job extends NewJob {
  status: JobStatus;
  /** Attempts started so far; the handler of the first attempt sees 1. */
  attempt: number;
  createdAt: number;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  result: unknown;
  error: JobError | undefined;
  progress: unknown;
  lease: JobLease | undefined;
}

/** A job handed to a worker by `claim`, with the lease it now holds. */
export interface ClaimedJob extends Job {
  lease: JobLease;
}
