/**
 * A worker: claims jobs, runs their handlers, keeps their leases, writes their outcomes.
 *
 *            start()               stop()                     in-flight decided, or timeout
 *   stopped ────────► running ─────────────► draining ─────────────────────────────────► stopped
 *      ▲                 │  no new claims; claimed-but-unstarted     (then: the rest aborted and
 *      └── start() ──────┘  jobs released at once                    released, everything flushed)
 *
 * Claiming, while running: whenever slots are free (not already asked for by a claim
 * on its way), claim min(free, claimBatch) in one call — and a second call while the
 * first is on its way, for at least half a batch, so that Node and the store work at
 * the same time. A full batch: go on. Fewer: no more claims until a store 'ready'
 * signal (or pollMs). The store failed: try again after 50 ms, doubling to 2 s.
 *
 * While the store does not answer, every loop (claim, heartbeat, settle) keeps trying with
 * backoff; the outage is logged once when it starts and once when it ends.
 */
import { Backoff, type ClaimedJob, Emitter, jobLogFields, Outage, Wakeup } from '@cadenza/core';
import { Attempt, type RunDeps, runAttempt } from './attempt.js';
import type { AttemptOutcome } from './attempt-outcome.js';
import type { WorkerEvents } from './events.js';
import { Heartbeats } from './heartbeats.js';
import { MemoryCeiling } from './memory-ceiling.js';
import { type ResolvedWorkerOptions, resolveWorkerOptions, type WorkerOptions } from './options.js';
import { OutcomeWriter } from './outcome-writer.js';
import { SettlementBuffer } from './settlements.js';
import { Slots } from './slots.js';
import { untilSettledOrAborted, within } from './waits.js';

type State = 'stopped' | 'running' | 'draining';

/** Claims a worker keeps on their way: the next batch is fetched while this one runs. */
const MAX_CLAIMS_IN_FLIGHT = 2;

/**
 * Jobs quicker than this on average are claimed ahead, and a worker holds about this many
 * milliseconds of work in hand (see notePace): about what a claim's round trip takes.
 */
const PREFETCH_WINDOW_MS = 2;

/** A claim call that failed, kept as a value (see claimSome). */
class ClaimFailure {
  constructor(readonly error: unknown) {}
}

export class Worker {
  private readonly o: ResolvedWorkerOptions;
  private readonly events: Emitter<WorkerEvents>;
  private readonly heartbeats: Heartbeats;
  private readonly outcomes: OutcomeWriter;
  private readonly wakeup = new Wakeup();
  private readonly outage: Outage;
  private readonly ceiling: MemoryCeiling | undefined;
  private readonly claimBackoff = new Backoff();
  /** Every attempt that holds a lease, from claim until its settlement is answered. */
  private readonly attempts = new Map<string, Attempt>();
  /** Slots in use (attempts pending or running), overall and per handler. */
  private readonly slots: Slots;
  private state: State = 'stopped';
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Claim calls on their way, and how many slots they may fill between them. */
  private readonly claims = new Set<Promise<void>>();
  private asked = 0;
  /** No new claims until the loop's next pass: the queue looked empty, or a claim failed. */
  private paused = false;
  private retryInMs: number | undefined;
  /** Counts 'ready' signals, so a claim that came back short knows whether one came meanwhile. */
  private readySignals = 0;
  /** Handlers' recent duration (moving average), which decides the prefetch (notePace). */
  private averageMs: number | undefined;
  private drained = false;
  private idleAnnounced = false;
  /** Set while the last claim call failed (the store did not answer): `/readyz` says why. */
  private claimError: unknown;
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
    const onError = (during: 'heartbeat' | 'settle') => (error: unknown) => this.storeFailed(during, error);
    const onAnswer = () => this.outage.answered();
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
    if (this.claimError !== undefined) return 'its last claim failed: the store did not answer';
    return undefined;
  }

  /** Looks for work now (a caller in the same process knows a job just became ready). */
  wake(): void {
    this.readySignals++;
    this.wakeup.wake();
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
    this.loop = this.run().catch((error: unknown) => this.o.log.fatal({ err: error }, 'worker loop crashed'));
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
    this.wakeup.wake();
    await this.loop;
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

  /**
   * The claim loop. Claims are started by `topUp` — here, when a slot frees, when a claim
   * answers — so that the next batch is on its way while this one runs (up to
   * MAX_CLAIMS_IN_FLIGHT calls, a second one only for at least half a batch, so batches
   * stay large). The loop itself only sleeps: until a store 'ready' signal or `pollMs`
   * when the queue looked empty, or for the backoff after a failed claim.
   */
  private async run(): Promise<void> {
    const { clock, pollMs } = this.o;
    while (this.state === 'running') {
      const retryIn = this.retryInMs;
      if (retryIn !== undefined) {
        this.retryInMs = undefined;
        await this.wakeup.wait(clock, retryIn);
        if (this.state !== 'running') break;
      }
      this.paused = false;
      this.topUp();
      await this.wakeup.wait(clock, pollMs);
    }
    // Claims still on their way: their jobs are released as they arrive (see admit).
    await Promise.all(this.claims);
  }

  private topUp(): void {
    const { claimBatch, concurrency } = this.o;
    // Above the memory ceiling nothing new is claimed; the loop's next pass looks again.
    if (this.ceiling?.allowsClaims() === false) return;
    while (this.state === 'running' && !this.paused && this.claims.size < MAX_CLAIMS_IN_FLIGHT) {
      const available = this.slots.free - this.asked;
      // A slot with nothing to run is worth a claim of one; otherwise wait until half of
      // what may be in hand is free, so that claims stay large (one round trip, many jobs).
      const idle = this.claims.size === 0 && this.slots.free > this.slots.prefetch;
      const worth = idle ? 1 : Math.ceil(Math.min(claimBatch, concurrency + this.slots.prefetch) / 2);
      if (available < worth) return;
      const limit = Math.min(available, claimBatch);
      this.asked += limit;
      const claim: Promise<void> = this.claimAndAdmit(limit, this.readySignals).then(() => {
        this.claims.delete(claim);
        this.topUp();
      });
      this.claims.add(claim);
    }
  }

  private async claimAndAdmit(limit: number, signalsBefore: number): Promise<void> {
    const answer = await this.claimSome(limit);
    this.asked -= limit;
    if (answer instanceof ClaimFailure) {
      this.claimError = answer.error;
      this.storeFailed('claim', answer.error);
      this.paused = true;
      this.retryInMs = this.claimBackoff.next();
      this.wakeup.wake();
      return;
    }
    this.claimBackoff.reset();
    this.claimError = undefined;
    this.outage.answered();
    if (answer.length > 0) this.idleAnnounced = false;
    for (const job of answer) this.admit(job);
    if (answer.length < limit) {
      // The queue is empty as far as this claim could see: no more claims until a 'ready'
      // signal or the next poll — unless a signal came while this claim was on its way.
      if (this.readySignals === signalsBefore) this.paused = true;
      this.drained = true;
      this.maybeIdle();
    } else {
      this.drained = false;
    }
  }

  /** One claim call; a failure is answered rather than thrown (claims run unawaited). */
  private async claimSome(limit: number): Promise<ClaimedJob[] | ClaimFailure> {
    try {
      return await this.o.store.claim({
        workerId: this.o.id,
        limit,
        leaseMs: this.o.leaseMs,
        now: this.o.clock.now(),
        ...(this.o.tenants === undefined ? {} : { tenants: this.o.tenants }),
      });
    } catch (error) {
      return new ClaimFailure(error);
    }
  }

  private storeFailed(during: 'claim' | 'heartbeat' | 'settle', error: unknown): void {
    this.outage.failed(during, error);
    this.events.emit('error', { error, during });
  }

  private admit(job: ClaimedJob): void {
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
    this.notePace(now - (attempt.startedAt ?? now));
    this.decide(attempt, outcome);
  }

  /**
   * Claims ahead while jobs are quick. A claim takes a round trip; when handlers finish in
   * less time than that, a worker that claims only for free slots spends most of its time
   * waiting for the next batch, and pays a round trip for every job or two (at concurrency
   * 1, every job). So while jobs average under PREFETCH_WINDOW_MS, the worker holds in hand,
   * beyond its running slots, about as many jobs as its slots run in that window (at least
   * one per slot, at most a claim batch): a job then waits behind others in this worker for
   * about a round trip at most (another tenant's job among them, or while a worker elsewhere
   * is idle), and no-op jobs are claimed a batch per round trip even at concurrency 1.
   */
  private notePace(durationMs: number): void {
    const average = this.averageMs === undefined ? durationMs : this.averageMs * 0.9 + durationMs * 0.1;
    this.averageMs = average;
    const { claimBatch, concurrency } = this.o;
    if (average >= PREFETCH_WINDOW_MS) {
      this.slots.prefetch = 0;
      return;
    }
    // Within the window by the average; a job that took no measurable time counts as 0.01 ms.
    const inWindow = Math.floor((concurrency * PREFETCH_WINDOW_MS) / Math.max(average, 0.01));
    this.slots.prefetch = Math.min(claimBatch, Math.max(concurrency, inWindow));
  }

  /**
   * The outcome is known (the first one told counts): write it, free the slot, start the
   * jobs waiting for it, claim more.
   */
  private decide(attempt: Attempt, outcome: AttemptOutcome): void {
    if (!attempt.finish()) return;
    this.outcomes.conclude(attempt, outcome);
    for (const next of this.slots.give(attempt, this.state === 'running')) this.begin(next);
    this.topUp();
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
