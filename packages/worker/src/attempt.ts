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
  readonly controller = new AbortController();
  state: 'pending' | 'running' | 'finished' = 'pending';
  startedAt: number | undefined;
  /** Resolves once the outcome is known (the handler no longer holds a slot). */
  readonly decided: Promise<void>;
  private markDecided: () => void = () => {};
  /** Latest `ctx.progress` value and whether it is still to be sent. */
  progress: unknown;
  progressDirty = false;
  /** When our lease runs out unless a heartbeat extends it. */
  leaseExpiresAt: number;

  constructor(job: ClaimedJob) {
    this.job = job;
    this.leaseExpiresAt = job.lease.expiresAt;
    this.decided = new Promise<void>((resolve) => {
      this.markDecided = resolve;
    });
  }

  /** Marks the outcome known; returns false when it already was. */
  finish(): boolean {
    if (this.state === 'finished') return false;
    this.state = 'finished';
    this.markDecided();
    return true;
  }

  get id(): string {
    return this.job.id;
  }

  get token(): string {
    return this.job.lease.token;
  }

  /** Aborts the handler's signal (first reason wins). */
  abort(kind: AbortKind, message: string): void {
    if (!this.controller.signal.aborted) this.controller.abort(new JobAbortError(kind, message));
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
  const signal = attempt.controller.signal;
  attempt.startedAt = deps.clock.now();
  if (signal.aborted) return Promise.resolve(outcomeOfAbort(signal.reason));
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
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = (): void => finish(outcomeOfAbort(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
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
    signal: attempt.controller.signal,
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
