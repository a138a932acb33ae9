import type { ClaimedJob, Clock, Job, JobContext, Logger, TimerHandle } from '@cadenza/core';
import { type AbortKind, type AttemptOutcome, errorFrom, JobAbortError, outcomeOfAbort } from './attempt-outcome.js';
import type { ResolvedHandler } from './registry.js';

/** Where an attempt is in the diagram below. */
export type AttemptState = 'pending' | 'running' | 'finished';

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
  // Its state is changed only through the methods below, each named for what happened:
  // the worker, the heartbeats and the handler's ctx tell it; they read it through getters.
  private reason: JobAbortError | undefined;
  /** Set while the handler runs (runAttempt): told once of how the run ended. */
  private runner: RunDeps | undefined;
  /** The attempt's timeout, while the handler runs. */
  private timer: TimerHandle | undefined;
  private controller: AbortController | undefined;
  private current: AttemptState = 'pending';
  private handlerStartedAt: number | undefined;
  private decidedPromise: Promise<void> | undefined;
  private markDecided: (() => void) | undefined;
  private latestProgress: unknown;
  private progressUnsent = false;
  private leaseEnd: number;

  constructor(job: ClaimedJob) {
    this.job = job;
    this.leaseEnd = job.lease.expiresAt;
  }

  get state(): AttemptState {
    return this.current;
  }

  /** Why the attempt was aborted (first reason wins); undefined while it was not. */
  get abortReason(): JobAbortError | undefined {
    return this.reason;
  }

  /** When its handler was called (epoch ms); undefined until then. */
  get startedAt(): number | undefined {
    return this.handlerStartedAt;
  }

  /** When our lease runs out unless a heartbeat extends it. */
  get leaseExpiresAt(): number {
    return this.leaseEnd;
  }

  /** The latest `ctx.progress` value. */
  get progress(): unknown {
    return this.latestProgress;
  }

  /** Whether `progress` is still to be sent with a heartbeat. */
  get progressDirty(): boolean {
    return this.progressUnsent;
  }

  /** It has a slot: pending → running (its `before` hooks, then its handler, follow). */
  begin(): void {
    this.current = 'running';
  }

  /** Its handler is called now (epoch ms): what its duration is measured from. */
  handlerStarted(now: number): void {
    this.handlerStartedAt = now;
  }

  /** The store took a heartbeat for this lease: it now runs out at `expiresAt`. */
  leaseRenewed(expiresAt: number): void {
    this.leaseEnd = expiresAt;
  }

  /** The handler reported progress (`ctx.progress`): sent with the next heartbeat. */
  reportProgress(value: unknown): void {
    this.latestProgress = value;
    this.progressUnsent = true;
  }

  /** A heartbeat carrying `sent` was taken; progress reported since is still to be sent. */
  progressSent(sent: unknown): void {
    if (this.latestProgress === sent) this.progressUnsent = false;
  }

  /** Marks the outcome known; returns false when it already was. */
  finish(): boolean {
    if (this.current === 'finished') return false;
    this.current = 'finished';
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
        this.current === 'finished'
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
      if (this.reason !== undefined) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Aborts the attempt and the handler's signal (first reason wins). */
  abort(kind: AbortKind, message: string): void {
    if (this.reason !== undefined) return;
    this.reason = new JobAbortError(kind, message);
    this.controller?.abort(this.reason);
    this.ran(outcomeOfAbort(this.reason));
  }

  /** The handler's run is over: the first of its result, its timeout or an abort. */
  ran(outcome: AttemptOutcome): void {
    const runner = this.runner;
    if (runner === undefined) return;
    this.runner = undefined;
    this.timer?.cancel();
    this.timer = undefined;
    runner.ended(this, outcome);
  }

  /** runAttempt: the handler starts now; `runner.ended` is told how it ended. */
  running(runner: RunDeps, timeoutMs: number | undefined): void {
    this.runner = runner;
    if (timeoutMs !== undefined) {
      this.timer = runner.clock.setTimeout(() => this.abort('timeout', `timed out after ${timeoutMs} ms`), timeoutMs);
    }
  }
}

export interface RunDeps {
  clock: Clock;
  log: Logger;
  /** Sends a heartbeat for this worker's leases now. */
  heartbeat(): Promise<void>;
  /**
   * How the attempt's run ended, told once: the handler returned or threw, its timeout
   * passed, or its signal aborted (cancel, lost lease, shutdown). May be called before
   * runAttempt returns (a handler that returns a plain value, no handler, aborted already).
   */
  ended(attempt: Attempt, outcome: AttemptOutcome): void;
}

/**
 * Runs one attempt to its outcome, told to `deps.ended`. A handler that ignores its signal is
 * not waited for: its later result is ignored. A handler that returns a plain value (not a
 * promise) ends at once: no promise is made for it.
 */
export function runAttempt(attempt: Attempt, spec: ResolvedHandler | undefined, deps: RunDeps): void {
  const { job } = attempt;
  attempt.handlerStarted(deps.clock.now());
  if (attempt.abortReason !== undefined) {
    deps.ended(attempt, outcomeOfAbort(attempt.abortReason));
    return;
  }
  if (spec === undefined) {
    deps.ended(attempt, {
      kind: 'failed',
      error: { code: 'no_handler', message: `no handler for job name ${JSON.stringify(job.name)} in this worker` },
    });
    return;
  }
  attempt.running(deps, job.timeoutMs ?? spec.timeoutMs);
  const ctx = makeContext(attempt, deps);
  // A copy, so that a handler that writes to its job cannot change what we settle.
  const view: Job = { ...job };
  let result: unknown;
  try {
    result = spec.handler(view, ctx);
    if (!isThenable(result)) {
      attempt.ran({ kind: 'succeeded', result });
      return;
    }
  } catch (error) {
    attempt.ran({ kind: 'failed', error: errorFrom(error) });
    return;
  }
  void Promise.resolve(result).then(
    (value: unknown) => attempt.ran({ kind: 'succeeded', result: value }),
    (error: unknown) => attempt.ran({ kind: 'failed', error: errorFrom(error) }),
  );
}

/** Whether a handler's result is to be awaited (a promise, or any object with a `then` method). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function makeContext(attempt: Attempt, deps: RunDeps): JobContext {
  return new AttemptContext(attempt, deps);
}

/**
 * A handler's `ctx`: a class, so that what every job gets (its signal, its logger, progress)
 * lives on the prototype rather than in closures made per job. `heartbeat` and `progress`
 * may be taken off the object and called alone, as from an object literal.
 */
class AttemptContext implements JobContext {
  /** The job's logger, made on first use: a pino child costs more than a no-op job. */
  private logger: Logger | undefined;
  readonly heartbeat: () => Promise<void>;

  constructor(
    private readonly attempt: Attempt,
    private readonly deps: RunDeps,
  ) {
    this.heartbeat = deps.heartbeat;
  }

  get signal(): AbortSignal {
    return this.attempt.signal;
  }

  get log(): Logger {
    if (this.logger === undefined) {
      const { job } = this.attempt;
      this.logger = this.deps.log.child({ jobId: job.id, name: job.name, tenant: job.tenant, attempt: job.attempt });
    }
    return this.logger;
  }

  get progress(): (value: unknown) => Promise<void> {
    const { attempt } = this;
    return (value: unknown) => {
      attempt.reportProgress(value);
      return Promise.resolve();
    };
  }
}
