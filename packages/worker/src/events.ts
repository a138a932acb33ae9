import type { Job, JobError, LeaseState } from '@cadenza/core';

/** What a worker tells its listeners (tests wait on these rather than sleeping). */
export interface WorkerEvents {
  started: { job: Job };
  /** `durationMs`: from the handler's start to its end (for metrics). */
  succeeded: { job: Job; result: unknown; durationMs: number };
  /** Every failed attempt; `retryAt` is set when the job will run again. */
  failed: { job: Job; error: JobError; retryAt: number | undefined; durationMs: number };
  retry: { job: Job; error: JobError; retryAt: number };
  /** Given back without spending the attempt (shutdown). */
  released: { job: Job };
  /** Stopped without a write: the job was canceled or its lease was lost. */
  dropped: { job: Job; reason: Exclude<LeaseState, 'ok'> };
  /** The last claim found nothing and no job is in hand. */
  idle: { at: number };
  error: { error: unknown; during: 'claim' | 'heartbeat' | 'settle' };
  stopped: { at: number };
}
