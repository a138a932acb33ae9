/**
 * A worker: claims jobs, runs their handlers, keeps their leases, writes their outcomes.
 *
 *            start()               stop()                     in-flight decided, or timeout
 *   stopped ────────► running ─────────────► draining ─────────────────────────────────► stopped
 *      ▲                 │  no new claims; claimed-but-unstarted     (then: the rest aborted and
 *      └── start() ──────┘  jobs released at once                    released, everything flushed)
 *
 * Claiming, while running: ClaimLoop (claim-loop.ts). Each claimed job is an Attempt
 * (attempt.ts, its own diagram) that waits for a slot (slots.ts), runs, is kept leased
 * (heartbeats.ts) and has its outcome written (outcome-writer.ts, settlements.ts).
 *
 * While the store does not answer, every loop (claim, heartbeat, settle) keeps trying with
 * backoff; the outage is logged once when it starts and once when it ends.
 */
import { type ClaimedJob, Emitter, jobLogFields, Outage } from '@cadenza/core';
import { Attempt, type RunDeps, runAttempt } from './attempt.js';
import type { AttemptOutcome } from './attempt-outcome.js';
import { ClaimLoop } from './claim-loop.js';
import type { WorkerEvents } from './events.js';
import { Heartbeats } from './heartbeats.js';
import { MemoryCeiling } from './memory-ceiling.js';
import { type ResolvedWorkerOptions, resolveWorkerOptions, type WorkerOptions } from './options.js';
import { OutcomeWriter } from './outcome-writer.js';
import { SettlementBuffer } from './settlements.js';
import { Slots } from './slots.js';
import { untilSettledOrAborted, within } from './waits.js';

type State = 'stopped' | 'running' | 'draining';

export class Worker {
  private readonly o: ResolvedWorkerOptions;
  private readonly events: Emitter<WorkerEvents>;
  private readonly heartbeats: Heartbeats;
  private readonly outcomes: OutcomeWriter;
  private readonly claims: ClaimLoop;
  private readonly outage: Outage;
  private readonly ceiling: MemoryCeiling | undefined;
  /** Every attempt that holds a lease, from claim until its settlement is answered. */
  private readonly attempts = new Map<string, Attempt>();
  /** Slots in use (attempts pending or running), overall and per handler. */
  private readonly slots: Slots;
  private state: State = 'stopped';
  private stopping: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  /** The last claim came back short (the queue looked empty): with no attempt held, idle. */
  private drained = false;
  private idleAnnounced = false;
  /** What every attempt's run is given (one object for all of them). */
  private readonly runDeps: RunDeps;
  /** True while runAttempt is being called: an outcome told then is queued (see ended). */
  private inRun = false;
  /** Attempts whose handler ended before runAttempt returned, with their outcomes, in order. */
  private readonly quick: Array<Attempt | AttemptOutcome> = [];
  private quickQueued = false;
  private readonly drainQuick = (): void => this.endQuick();

  constructor(options: WorkerOptions) {
    this.o = resolveWorkerOptions(options);
    const log = this.o.log.child({ worker: this.o.id });
    this.o.log = log;
    this.slots = new Slots(this.o.concurrency, (name) => this.o.registry.get(name)?.concurrency);
    this.events = new Emitter((err, event) => log.error({ err, event }, 'worker event listener threw'));
    this.outage = new Outage(this.o.clock, log);
    if (this.o.maxMemoryMb !== undefined) {
      this.ceiling = new MemoryCeiling(this.o.maxMemoryMb * 2 ** 20, this.o.memoryUsage, this.o.clock, log);
    }
    const onError = (during: 'claim' | 'heartbeat' | 'settle') => (error: unknown) => this.storeFailed(during, error);
    const onAnswer = () => this.outage.answered();
    this.claims = new ClaimLoop({
      options: this.o,
      slots: this.slots,
      ceiling: this.ceiling,
      running: () => this.state === 'running',
      admit: (job) => this.admit(job),
      drained: (empty) => {
        this.drained = empty;
        if (empty) this.maybeIdle();
      },
      onError: onError('claim'),
      onAnswer,
    });
    this.heartbeats = new Heartbeats({
      store: this.o.store,
      clock: this.o.clock,
      log,
      leaseMs: this.o.leaseMs,
      everyMs: this.o.heartbeatEveryMs,
      leases: () => this.attempts.values(),
      onLeaseState: (attempt, state) => this.leaseEnded(attempt, state),
      onError: onError('heartbeat'),
      onAnswer,
    });
    const settlements = new SettlementBuffer({
      store: this.o.store,
      clock: this.o.clock,
      log,
      delayMs: this.o.settleDelayMs,
      maxBatch: Math.max(this.o.concurrency, 16),
      onError: onError('settle'),
      onAnswer,
    });
    this.runDeps = {
      clock: this.o.clock,
      log,
      heartbeat: () => this.heartbeats.now(),
      ended: (attempt, outcome) => this.ended(attempt, outcome),
    };
    this.outcomes = new OutcomeWriter(this.o, settlements, this.events, (attempt) => {
      this.attempts.delete(attempt.id);
      this.maybeIdle();
    });
  }

  get id(): string {
    return this.o.id;
  }

  /** Jobs this worker holds now (running, waiting for a slot, or being written). */
  get activeJobs(): string[] {
    return [...this.attempts.keys()];
  }

  on<K extends keyof WorkerEvents & string>(event: K, listener: (e: WorkerEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  once<K extends keyof WorkerEvents & string>(
    event: K,
    predicate?: (e: WorkerEvents[K]) => boolean,
  ): Promise<WorkerEvents[K]> {
    return this.events.once(event, predicate);
  }

  /**
   * Why this worker takes no new work now — stopped, draining, above its memory ceiling, or
   * its last claim failed — or undefined while it claims. What `/readyz` reports.
   */
  get notClaiming(): string | undefined {
    if (this.state === 'stopped') return 'the worker is stopped';
    if (this.state === 'draining') return 'the worker is draining';
    if (this.ceiling?.allowsClaims() === false) return 'above its memory ceiling: claiming nothing new';
    if (this.claims.failing) return 'its last claim failed: the store did not answer';
    return undefined;
  }

  /** Looks for work now (a caller in the same process knows a job just became ready). */
  wake(): void {
    this.claims.wake();
  }

  /** Heartbeats every lease now, so that a cancel reaches its handler without waiting. */
  heartbeatNow(): Promise<void> {
    return this.heartbeats.now();
  }

  async start(): Promise<void> {
    if (this.state === 'draining') await this.stopping;
    if (this.state === 'running') return;
    this.state = 'running';
    this.stopping = undefined;
    this.drained = false;
    this.idleAnnounced = false;
    this.outcomes.reopen();
    this.unsubscribe = this.o.store.subscribe((signal) => {
      if (signal === 'ready') this.wake();
    });
    this.heartbeats.start();
    this.claims.start();
  }

  /** Stops claiming at once; waits for running handlers up to the timeout, then releases the rest. */
  stop(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.state === 'stopped') return Promise.resolve();
    this.stopping ??= this.shutdown(options.timeoutMs ?? this.o.shutdownTimeoutMs);
    return this.stopping;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    const { clock } = this.o;
    const deadline = clock.now() + timeoutMs;
    this.state = 'draining';
    await this.claims.stop();
    for (const attempt of [...this.attempts.values()]) {
      if (attempt.state === 'pending') this.unqueue(attempt, { kind: 'released' });
    }
    const running = [...this.attempts.values()].filter((a) => a.state === 'running');
    if (running.length > 0) await within(clock, timeoutMs, Promise.all(running.map((a) => a.decided)));
    for (const attempt of this.attempts.values()) {
      if (attempt.state === 'running') attempt.abort('shutdown', 'the worker is shutting down');
    }
    // From here every outcome is written as soon as it is known, then the buffer closes.
    this.outcomes.closing();
    await Promise.all([...this.attempts.values()].map((a) => a.decided));
    // Outcomes the store has not taken yet are tried until the shutdown deadline, or for as
    // long as one of their leases may still stand, whichever is later: giving up sooner
    // would run a finished job again for nothing.
    let until = deadline;
    for (const attempt of this.attempts.values()) until = Math.max(until, attempt.leaseExpiresAt);
    await this.outcomes.close(until, deadline);
    // Every attempt is decided: CPU threads still busy hold only handlers that ignored their abort.
    await this.o.cpuPool?.close();
    this.heartbeats.stop();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.state = 'stopped';
    this.events.emit('stopped', { at: clock.now() });
  }

  private storeFailed(during: 'claim' | 'heartbeat' | 'settle', error: unknown): void {
    this.outage.failed(during, error);
    this.events.emit('error', { error, during });
  }

  private admit(job: ClaimedJob): void {
    this.idleAnnounced = false;
    const attempt = new Attempt(job);
    this.attempts.set(job.id, attempt);
    this.heartbeats.poke();
    const startNow = this.slots.take(attempt);
    if (this.state !== 'running') {
      // A claim that answered after stop() began: give the job straight back.
      this.decide(attempt, { kind: 'released' });
    } else if (startNow) {
      this.begin(attempt);
    }
  }

  private begin(attempt: Attempt): void {
    attempt.begin();
    const { hooks } = this.o;
    try {
      this.events.emit('started', { job: attempt.job });
      if (hooks === undefined) {
        this.runHandler(attempt);
        return;
      }
    } catch (error) {
      this.crashed(attempt, error);
      return;
    }
    untilSettledOrAborted(hooks.emit('before', { job: attempt.job }), attempt.signal)
      .then(() => this.runHandler(attempt))
      .catch((error: unknown) => this.crashed(attempt, error));
  }

  private crashed(attempt: Attempt, error: unknown): void {
    this.o.log.error({ err: error, ...jobLogFields(attempt.job) }, 'attempt crashed');
  }

  private runHandler(attempt: Attempt): void {
    this.inRun = true;
    try {
      runAttempt(attempt, this.o.registry.get(attempt.job.name), this.runDeps);
    } finally {
      this.inRun = false;
    }
  }

  /**
   * An attempt's run ended. One that ended inside runAttempt (a handler that returned a plain
   * value) is queued and ended in one microtask with the others, so that freeing its slot
   * never starts the next job from inside this one's call (no recursion, whatever the queue).
   */
  private ended(attempt: Attempt, outcome: AttemptOutcome): void {
    if (!this.inRun) {
      this.conclude(attempt, outcome);
      return;
    }
    this.quick.push(attempt, outcome);
    if (!this.quickQueued) {
      this.quickQueued = true;
      queueMicrotask(this.drainQuick);
    }
  }

  private endQuick(): void {
    // Attempts started meanwhile (slots freed here) may join the queue: this loop takes them too.
    for (let i = 0; i < this.quick.length; i += 2) {
      const attempt = this.quick[i] as Attempt;
      try {
        this.conclude(attempt, this.quick[i + 1] as AttemptOutcome);
      } catch (error) {
        this.crashed(attempt, error);
      }
    }
    this.quick.length = 0;
    this.quickQueued = false;
  }

  private conclude(attempt: Attempt, outcome: AttemptOutcome): void {
    const { clock } = this.o;
    const now = clock.now();
    this.claims.notePace(now - (attempt.startedAt ?? now));
    this.decide(attempt, outcome);
  }

  /**
   * The outcome is known (the first one told counts): write it, free the slot, start the
   * jobs waiting for it, claim more.
   */
  private decide(attempt: Attempt, outcome: AttemptOutcome): void {
    if (!attempt.finish()) return;
    this.outcomes.conclude(attempt, outcome);
    for (const next of this.slots.give(attempt, this.state === 'running')) this.begin(next);
    this.claims.topUp();
  }

  /** Ends an attempt that never started. */
  private unqueue(
    attempt: Attempt,
    outcome: { kind: 'released' } | { kind: 'dropped'; reason: 'canceled' | 'lost' },
  ): void {
    this.decide(attempt, outcome);
  }

  private leaseEnded(attempt: Attempt, state: 'canceled' | 'lost'): void {
    if (attempt.state === 'pending') this.unqueue(attempt, { kind: 'dropped', reason: state });
    else if (attempt.state === 'running') {
      attempt.abort(state, state === 'canceled' ? 'the job was canceled' : 'the lease on this job was lost');
    }
  }

  private maybeIdle(): void {
    if (this.state !== 'running' || !this.drained || this.attempts.size > 0 || this.idleAnnounced) return;
    this.idleAnnounced = true;
    this.events.emit('idle', { at: this.o.clock.now() });
  }
}
