import { Backoff, type ClaimedJob, Wakeup } from '@cadenza/core';
import type { MemoryCeiling } from './memory-ceiling.js';
import type { ResolvedWorkerOptions } from './options.js';
import type { Slots } from './slots.js';

/** Claims a worker keeps on their way: the next batch is fetched while this one runs. */
const MAX_CLAIMS_IN_FLIGHT = 2;

/**
 * Jobs quicker than this on average are claimed ahead, and a worker holds about this many
 * milliseconds of work in hand (see notePace): about what a claim's round trip takes.
 */
const PREFETCH_WINDOW_MS = 2;

export interface ClaimLoopDeps {
  options: Pick<
    ResolvedWorkerOptions,
    'store' | 'clock' | 'log' | 'id' | 'leaseMs' | 'tenants' | 'claimBatch' | 'concurrency' | 'pollMs'
  >;
  /** The worker's capacity: how many jobs it may take in hand, and how many it claims ahead. */
  slots: Slots;
  /** Above it, nothing new is claimed. */
  ceiling: MemoryCeiling | undefined;
  /** Whether the worker takes new work (it is running, not draining or stopped). */
  running(): boolean;
  /** Every job a claim answered, in order. */
  admit(job: ClaimedJob): void;
  /** After the jobs of an answer were admitted: `true` when it came back short (the queue looked empty). */
  drained(empty: boolean): void;
  /** Told of every claim call the store failed, and of every one it answered. */
  onError(error: unknown): void;
  onAnswer(): void;
}

/** A claim call that failed, kept as a value (see claimSome). */
class ClaimFailure {
  constructor(readonly error: unknown) {}
}

/**
 * A worker's claiming, while it runs: whenever slots are free (not already asked for by a
 * claim on its way), claim min(free, claimBatch) in one call — and a second call while the
 * first is on its way, for at least half a batch, so that Node and the store work at the
 * same time. A full batch: go on. Fewer: no more claims until a store 'ready' signal (or
 * pollMs). The store failed: try again after 50 ms, doubling to 2 s.
 *
 * Claims are started by `topUp` — by the loop, when a slot frees (the worker calls it),
 * when a claim answers — so that the next batch is on its way while this one runs. The
 * loop itself only sleeps: until a store 'ready' signal or `pollMs` when the queue looked
 * empty, or for the backoff after a failed claim.
 */
export class ClaimLoop {
  private readonly wakeup = new Wakeup();
  private readonly backoff = new Backoff();
  private loop: Promise<void> | undefined;
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
  /** Set while the last claim call failed (the store did not answer): `/readyz` says why. */
  private lastError: unknown;

  constructor(private readonly deps: ClaimLoopDeps) {}

  /** Whether the last claim call failed. */
  get failing(): boolean {
    return this.lastError !== undefined;
  }

  /** Runs the loop until `deps.running()` turns false and `stop()` wakes it. */
  start(): void {
    const { log } = this.deps.options;
    this.loop = this.run().catch((error: unknown) => log.fatal({ err: error }, 'worker loop crashed'));
  }

  /** Wakes the loop to see that the worker stopped; resolves once no claim is on its way. */
  async stop(): Promise<void> {
    this.wakeup.wake();
    await this.loop;
  }

  /** A job just became ready (a store signal, or a caller in the same process): look for work now. */
  wake(): void {
    this.readySignals++;
    this.wakeup.wake();
  }

  private async run(): Promise<void> {
    const { clock, pollMs } = this.deps.options;
    while (this.deps.running()) {
      const retryIn = this.retryInMs;
      if (retryIn !== undefined) {
        this.retryInMs = undefined;
        await this.wakeup.wait(clock, retryIn);
        if (!this.deps.running()) break;
      }
      this.paused = false;
      this.topUp();
      await this.wakeup.wait(clock, pollMs);
    }
    // Claims still on their way: their jobs are given straight back as they arrive (the worker's admit).
    await Promise.all(this.claims);
  }

  /** Claims for the free slots, if enough are free to be worth a call (see Slots). */
  topUp(): void {
    const { claimBatch, concurrency } = this.deps.options;
    const { slots } = this.deps;
    // Above the memory ceiling nothing new is claimed; the loop's next pass looks again.
    if (this.deps.ceiling?.allowsClaims() === false) return;
    while (this.deps.running() && !this.paused && this.claims.size < MAX_CLAIMS_IN_FLIGHT) {
      const available = slots.free - this.asked;
      // A slot with nothing to run is worth a claim of one; otherwise wait until half of
      // what may be in hand is free, so that claims stay large (one round trip, many jobs).
      const idle = this.claims.size === 0 && slots.free > slots.prefetch;
      const worth = idle ? 1 : Math.ceil(Math.min(claimBatch, concurrency + slots.prefetch) / 2);
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
      this.lastError = answer.error;
      this.deps.onError(answer.error);
      this.paused = true;
      this.retryInMs = this.backoff.next();
      this.wakeup.wake();
      return;
    }
    this.backoff.reset();
    this.lastError = undefined;
    this.deps.onAnswer();
    for (const job of answer) this.deps.admit(job);
    if (answer.length < limit) {
      // The queue is empty as far as this claim could see: no more claims until a 'ready'
      // signal or the next poll — unless a signal came while this claim was on its way.
      if (this.readySignals === signalsBefore) this.paused = true;
      this.deps.drained(true);
    } else {
      this.deps.drained(false);
    }
  }

  /** One claim call; a failure is answered rather than thrown (claims run unawaited). */
  private async claimSome(limit: number): Promise<ClaimedJob[] | ClaimFailure> {
    const { store, id, leaseMs, clock, tenants } = this.deps.options;
    try {
      return await store.claim({
        workerId: id,
        limit,
        leaseMs,
        now: clock.now(),
        ...(tenants === undefined ? {} : { tenants }),
      });
    } catch (error) {
      return new ClaimFailure(error);
    }
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
  notePace(durationMs: number): void {
    const average = this.averageMs === undefined ? durationMs : this.averageMs * 0.9 + durationMs * 0.1;
    this.averageMs = average;
    const { claimBatch, concurrency } = this.deps.options;
    const { slots } = this.deps;
    if (average >= PREFETCH_WINDOW_MS) {
      slots.prefetch = 0;
      return;
    }
    // Within the window by the average; a job that took no measurable time counts as 0.01 ms.
    const inWindow = Math.floor((concurrency * PREFETCH_WINDOW_MS) / Math.max(average, 0.01));
    slots.prefetch = Math.min(claimBatch, Math.max(concurrency, inWindow));
  }
}
