import {
  CadenzaError,
  type Clock,
  checkDuration,
  isCadenzaError,
  isFinalStatus,
  type Job,
  type JobStatus,
  notFound,
  type Store,
  type TimerHandle,
} from '@cadenza/core';
import { WaitTimeoutError } from './wait-timeout-error.js';

/** The pace of the shared poll (see JobWaiter). */
export interface PollOptions {
  /** Interval after a wait starts or a job ends. Default 10 ms. */
  minIntervalMs?: number;
  /** The interval doubles through quiet rounds up to this. Default 250 ms. */
  maxIntervalMs?: number;
  /** Most ids in one `getJobs` call; more jobs waited for take several calls a round. Default 1000. */
  maxBatch?: number;
}

export interface WaitOptions {
  /** Reject with `WaitTimeoutError` after this long. Default: wait until final, closed or aborted. */
  timeoutMs?: number;
  /** Aborting rejects the wait with the signal's reason; the job is untouched. */
  signal?: AbortSignal;
}

interface Waiter {
  lastStatus: JobStatus | undefined;
  resolve(job: Job): void;
  reject(error: unknown): void;
}

/** A poll's answer for one id: the job, its absence, or the refusal of that id. */
type Answer = Job | undefined | CadenzaError;

/**
 * `waitFor` by polling `getJob` (a wait needs no event stream, and a poll cannot miss an
 * end that happened before the wait began) — but as one loop for the whole client: each round asks for every job
 * anyone waits for in one batched `getJobs` call, so a thousand concurrent waits cost one
 * round trip per round rather than a thousand poll loops. The pace adapts: a round runs at
 * once when a wait starts, the interval is short (10 ms) after a round in which some job
 * ended (others are likely close behind) and doubles through quiet rounds up to 250 ms,
 * and the loop stops when nobody waits. A round that fails with `unavailable` (Redis
 * unreachable) keeps everyone waiting and tries again at the slowest pace (timeouts still
 * apply); any other failure ends the waits of that round with it.
 */
export class JobWaiter {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly minIntervalMs: number;
  private readonly maxIntervalMs: number;
  private readonly maxBatch: number;
  private intervalMs: number;
  private timer: TimerHandle | undefined;
  private round: Promise<void> | undefined;
  private pollAgainAtOnce = false;
  private lastPollError: unknown;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    options: PollOptions = {},
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 10;
    this.maxIntervalMs = Math.max(this.minIntervalMs, options.maxIntervalMs ?? 250);
    this.maxBatch = Math.max(1, options.maxBatch ?? 1000);
    this.intervalMs = this.minIntervalMs;
  }

  /** Resolves with the job once it is succeeded, failed or canceled. */
  wait(id: string, options: WaitOptions = {}): Promise<Job> {
    const { timeoutMs, signal } = options;
    if (timeoutMs !== undefined) checkDuration('timeoutMs', timeoutMs);
    if (this.closed) return Promise.reject(closedError(id));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Job>((resolve, reject) => {
      let timer: TimerHandle | undefined;
      const onAbort = (): void => waiter.reject(signal?.reason);
      const finish = (): void => {
        timer?.cancel();
        signal?.removeEventListener('abort', onAbort);
        this.remove(id, waiter);
      };
      const waiter: Waiter = {
        lastStatus: undefined,
        resolve: (job) => {
          finish();
          resolve(job);
        },
        reject: (error) => {
          finish();
          reject(error);
        },
      };
      if (timeoutMs !== undefined) {
        timer = this.clock.setTimeout(() => {
          waiter.reject(new WaitTimeoutError(id, timeoutMs, waiter.lastStatus, this.lastPollError));
        }, timeoutMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.add(id, waiter);
    });
  }

  /** Stops polling; waits still pending reject with `unavailable`. */
  async close(): Promise<void> {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.round;
    for (const [id, waiters] of [...this.waiters]) {
      for (const waiter of [...waiters]) waiter.reject(closedError(id));
    }
  }

  private add(id: string, waiter: Waiter): void {
    const waiters = this.waiters.get(id) ?? new Set();
    waiters.add(waiter);
    this.waiters.set(id, waiters);
    // The job may be final already: look now, and quickly after, rather than at a slow pace.
    this.intervalMs = this.minIntervalMs;
    if (this.round !== undefined) {
      this.pollAgainAtOnce = true;
      return;
    }
    this.timer?.cancel();
    this.timer = this.clock.setTimeout(() => this.startRound(), 0);
  }

  private remove(id: string, waiter: Waiter): void {
    const waiters = this.waiters.get(id);
    waiters?.delete(waiter);
    if (waiters?.size === 0) this.waiters.delete(id);
  }

  private startRound(): void {
    this.timer = undefined;
    this.round = this.poll().finally(() => {
      this.round = undefined;
      this.scheduleNext();
    });
  }

  private scheduleNext(): void {
    if (this.closed || this.waiters.size === 0) return;
    let delay = 0;
    if (this.pollAgainAtOnce) this.pollAgainAtOnce = false;
    else {
      delay = this.intervalMs;
      // Unless a round resets it (a wait joins, a job ends), each quiet round waits twice as long.
      this.intervalMs = Math.min(this.maxIntervalMs, this.intervalMs * 2);
    }
    this.timer = this.clock.setTimeout(() => this.startRound(), delay);
  }

  private async poll(): Promise<void> {
    // The waits of this round, fixed now: one that joins while the round is out may be
    // for a job retried since, so it is answered only by a read made after it joined.
    const round = [...this.waiters].map(([id, waiters]) => ({ id, waiters: [...waiters] }));
    let answers: Answer[];
    try {
      answers = await this.fetch(round.map((r) => r.id));
      this.lastPollError = undefined;
    } catch (error) {
      if (isCadenzaError(error) && error.code === 'unavailable') {
        this.lastPollError = error;
        this.intervalMs = this.maxIntervalMs;
        return;
      }
      // Not a fault that passes (a bug, an answer we do not understand): fail loudly
      // rather than let callers without a timeout wait for ever.
      for (const { waiters } of round) for (const waiter of waiters) waiter.reject(error);
      return;
    }
    let ended = false;
    round.forEach(({ id, waiters }, index) => {
      if (deliver(id, waiters, answers[index])) ended = true;
    });
    if (ended) this.intervalMs = this.minIntervalMs;
  }

  private async fetch(ids: readonly string[]): Promise<Answer[]> {
    const batches: string[][] = [];
    for (let start = 0; start < ids.length; start += this.maxBatch) {
      batches.push(ids.slice(start, start + this.maxBatch));
    }
    return (await Promise.all(batches.map((batch) => this.fetchBatch(batch)))).flat();
  }

  private async fetchBatch(ids: readonly string[]): Promise<Answer[]> {
    try {
      return await this.store.getJobs(ids);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      // One malformed id refuses the whole batch without saying which: ask one by one,
      // so that only the waits for that id fail and everyone else keeps waiting.
      return Promise.all(
        ids.map((id) =>
          this.store.getJob(id).catch((refusal: unknown) => {
            if (isRefusal(refusal)) return refusal;
            throw refusal;
          }),
        ),
      );
    }
  }
}

/** Answers the waits for one job; true when they are over (final, missing or refused). */
function deliver(id: string, waiters: readonly Waiter[], answer: Answer): boolean {
  if (answer === undefined || answer instanceof CadenzaError) {
    const error = answer ?? notFound(`job ${JSON.stringify(id)}`);
    for (const waiter of waiters) waiter.reject(error);
    return true;
  }
  if (!isFinalStatus(answer.status)) {
    for (const waiter of waiters) waiter.lastStatus = answer.status;
    return false;
  }
  for (const waiter of waiters) waiter.resolve(answer);
  return true;
}

function isRefusal(error: unknown): error is CadenzaError {
  return isCadenzaError(error) && (error.code === 'invalid_argument' || error.code === 'not_found');
}

function closedError(id: string): CadenzaError {
  return new CadenzaError('unavailable', `the client was closed while waiting for job ${JSON.stringify(id)}`);
}
