import type { ClaimedJob, Clock, Job, JobContext, Logger, TimerHandle } from '@cadenza/core';
import { type AbortKind, type AttemptOutcome, errorFrom, JobAbortError, outcomeOfAbort } from './outcome.js';
import type { ResolvedHandler } from './registry.js';

/**
 * One claimed job in this worker, from claim to settlement:
 *
 *   pending ──(a slot for its name)──► running ──(handler done | signal aborted)──► finished
 *      └──────────────(shutdown, cancel, lost lease)──────────────────────────────────┘
 *
 * It holds a lease (heartbeated by the worker) from claim until its settlement is written.
 */
export class Attempt {
  readonly job: ClaimedJob;
  /** Why the attempt was aborted (first reason wins); undefined while it was not. */
  abortReason: JobAbortError | undefined;
  /** Told at once of an abort (runAttempt's way to stop waiting for the handler). */
  onAbort: ((reason: JobAbortError) => void) | undefined;
  private controller: AbortController | undefined;
  state: 'pending' | 'running' | 'finished' = 'pending';
  startedAt: number | undefined;
  private decidedPromise: Promise<void> | undefined;
  private markDecided: (() => void) | undefined;
  /** Latest `ctx.progress` value and whether it is still to be sent. */
  progress: unknown;
  progressDirty = false;
  /** When our lease runs out unless a heartbeat extends it. */
  leaseExpiresAt: number;

  constructor(job: ClaimedJob) {
    this.job = job;
    this.leaseExpiresAt = job.lease.expiresAt;
  }

  /** Marks the outcome known; returns false when it already was. */
  finish(): boolean {
    if (this.state === 'finished') return false;
    this.state = 'finished';
    this.markDecided?.();
    return true;
  }

  /**
   * Resolves once the outcome is known (the handler no longer holds a slot). Made on first
   * use: only a stopping worker waits on it, and a promise per job is not free.
   */
  get decided(): Promise<void> {
    if (this.decidedPromise === undefined) {
      this.decidedPromise =
        this.state === 'finished'
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              this.markDecided = resolve;
            });
    }
    return this.decidedPromise;
  }

  get id(): string {
    return this.job.id;
  }

  get token(): string {
    return this.job.lease.token;
  }

  /**
   * The handler's `ctx.signal`, made on first use: most handlers never look at it, and an
   * AbortController per job is a measurable share of a quick job's cost.
   */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** Aborts the attempt and the handler's signal (first reason wins). */
  abort(kind: AbortKind, message: string): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = new JobAbortError(kind, message);
    this.controller?.abort(this.abortReason);
    this.onAbort?.(this.abortReason);
  }
}

export interface RunDeps {
  clock: Clock;
  log: Logger;
  /** Sends a heartbeat for this worker's leases now. */
  heartbeat(): Promise<void>;
}

/**
 * Runs one attempt to its outcome. Resolves at the first of: the handler returns or
 * throws, its timeout passes, or its signal aborts (cancel, lost lease, shutdown). A
 * handler that ignores its signal is not waited for: its later result is ignored.
 */
export function runAttempt(
  attempt: Attempt,
  spec: ResolvedHandler | undefined,
  deps: RunDeps,
): Promise<AttemptOutcome> {
  const { job } = attempt;
  attempt.startedAt = deps.clock.now();
  if (attempt.abortReason !== undefined) return Promise.resolve(outcomeOfAbort(attempt.abortReason));
  if (spec === undefined) {
    return Promise.resolve({
      kind: 'failed',
      error: { code: 'no_handler', message: `no handler for job name ${JSON.stringify(job.name)} in this worker` },
    });
  }
  const timeoutMs = job.timeoutMs ?? spec.timeoutMs;
  return new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    let timer: TimerHandle | undefined;
    const finish = (outcome: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      timer?.cancel();
      attempt.onAbort = undefined;
      resolve(outcome);
    };
    attempt.onAbort = (reason) => finish(outcomeOfAbort(reason));
    if (timeoutMs !== undefined) {
      timer = deps.clock.setTimeout(() => attempt.abort('timeout', `timed out after ${timeoutMs} ms`), timeoutMs);
    }
    const ctx = makeContext(attempt, deps);
    // A copy, so that a handler that writes to its job cannot change what we settle.
    const view: Job = { ...job };
    void new Promise<unknown>((run) => run(spec.handler(view, ctx))).then(
      (result) => finish({ kind: 'succeeded', result }),
      (error: unknown) => finish({ kind: 'failed', error: errorFrom(error) }),
    );
  });
}

function makeContext(attempt: Attempt, deps: RunDeps): JobContext {
  const { job } = attempt;
  // The job's logger is made on first use: a pino child costs more than a no-op job.
  let log: Logger | undefined;
  return {
    get signal(): AbortSignal {
      return attempt.signal;
    },
    get log(): Logger {
      log ??= deps.log.child({ jobId: job.id, name: job.name, tenant: job.tenant, attempt: job.attempt });
      return log;
    },
    heartbeat: () => deps.heartbeat(),
    progress: (value: unknown) => {
      attempt.progress = value;
      attempt.progressDirty = true;
      return Promise.resolve();
    },
  };
}
