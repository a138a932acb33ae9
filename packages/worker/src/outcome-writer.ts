import { type Emitter, type Hooks, type Job, jobLogFields, type LeaseState, type Settlement } from '@cadenza/core';
import type { Attempt } from './attempt.js';
import { type AttemptOutcome, settlementFor } from './attempt-outcome.js';
import type { WorkerEvents } from './events.js';
import type { ResolvedWorkerOptions } from './options.js';
import { logOutcome } from './outcome-log.js';
import type { SettlementBuffer } from './settlements.js';
import { within } from './waits.js';

type Deps = Pick<ResolvedWorkerOptions, 'clock' | 'log' | 'hooks' | 'random'>;

/**
 * Writes the outcomes of decided attempts (attempt-outcome.ts says what an outcome is).
 * Turns decided attempts into writes, log lines, hooks and events: the settlement goes into
 * the shared buffer (one store call for many jobs); once the store has answered, the
 * attempt's log line is written (outcome-log.ts), the hooks run (`after`, `failure`, then
 * `retry` or `dead`) and the matching event is emitted. Hooks see what happened and never
 * change it.
 */
export class OutcomeWriter {
  /** Hooks still running (only attempts with hooks are tracked: close() waits for them). */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly deps: Deps,
    private readonly settlements: SettlementBuffer,
    private readonly events: Emitter<WorkerEvents>,
    private readonly onDone: (attempt: Attempt) => void,
  ) {}

  /**
   * Writes an attempt's outcome. No promise or closure chain per job: the settlement goes
   * into the buffer with a callback, and what follows the store's answer runs in it (hooks,
   * when there are any, are the only asynchronous part).
   */
  conclude(attempt: Attempt, outcome: AttemptOutcome): void {
    try {
      this.write(attempt, outcome);
    } catch (error) {
      this.crashed(attempt, error);
    }
  }

  /** A new start after a stop: settlements wait for their short timer again. */
  reopen(): void {
    this.settlements.reopen();
  }

  /** Shutdown: write each outcome as soon as it is known. */
  closing(): void {
    this.settlements.setEager();
  }

  /**
   * Writes what is left (retrying until `settleUntil`, epoch ms), then waits for hooks still
   * running until `hooksUntil`.
   */
  async close(settleUntil: number, hooksUntil: number): Promise<void> {
    await this.settlements.close(settleUntil);
    const budgetMs = Math.max(0, hooksUntil - this.deps.clock.now());
    if (this.inFlight.size > 0) await within(this.deps.clock, budgetMs, Promise.all([...this.inFlight]));
  }

  private crashed(attempt: Attempt, error: unknown): void {
    this.deps.log.error({ err: error, ...jobLogFields(attempt.job) }, 'could not conclude an attempt');
  }

  private write(attempt: Attempt, outcome: AttemptOutcome): void {
    const { job } = attempt;
    if (outcome.kind === 'dropped') {
      this.deps.log.info({ ...jobLogFields(job), reason: outcome.reason }, 'job stopped without a result');
      this.events.emit('dropped', { job, reason: outcome.reason });
      this.onDone(attempt);
      return;
    }
    const now = this.deps.clock.now();
    const settlement = settlementFor(job, outcome, now, this.deps.random);
    // How long the handler ran; measured here, before the write, so a slow store does not count.
    const durationMs = Math.max(0, now - (attempt.startedAt ?? now));
    this.settlements.push(settlement, (state) => {
      try {
        this.written(attempt, settlement, durationMs, state);
      } catch (error) {
        this.crashed(attempt, error);
      }
    });
  }

  /** The store answered for this settlement. */
  private written(attempt: Attempt, settlement: Settlement, durationMs: number, state: LeaseState): void {
    const { job } = attempt;
    // Logged as soon as the store took it, so a slow hook does not hold the line back.
    if (state === 'ok') logOutcome(this.deps.log, job, settlement, durationMs);
    if (this.deps.hooks === undefined || settlement.outcome === 'released') {
      this.announce(attempt, settlement, durationMs, state);
      return;
    }
    const work = this.runHooks(this.deps.hooks, job, settlement, state).then(
      () => this.announce(attempt, settlement, durationMs, state),
      (error: unknown) => this.crashed(attempt, error),
    );
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** The event for a written outcome; the attempt is done. */
  private announce(attempt: Attempt, settlement: Settlement, durationMs: number, state: LeaseState): void {
    const { job } = attempt;
    if (state !== 'ok') {
      this.deps.log.warn({ ...jobLogFields(job), state }, 'outcome not written: the lease was gone');
      this.events.emit('dropped', { job, reason: state });
    } else if (settlement.outcome === 'succeeded') {
      this.events.emit('succeeded', { job, result: settlement.result, durationMs });
    } else if (settlement.outcome === 'failed') {
      this.events.emit('failed', { job, error: settlement.error, retryAt: settlement.retryAt, durationMs });
      if (settlement.retryAt !== undefined) {
        this.events.emit('retry', { job, error: settlement.error, retryAt: settlement.retryAt });
      }
    } else {
      this.events.emit('released', { job });
    }
    this.onDone(attempt);
  }

  /** `after` and `failure` for every finished attempt; `retry`/`dead` once the store took it. */
  private async runHooks(hooks: Hooks, job: Job, settlement: Settlement, state: LeaseState): Promise<void> {
    if (settlement.outcome === 'released') return;
    if (settlement.outcome === 'succeeded') {
      await hooks.emit('after', { job, outcome: 'succeeded', result: settlement.result });
      return;
    }
    const { error, retryAt } = settlement;
    await hooks.emit('after', { job, outcome: 'failed', error });
    await hooks.emit('failure', { job, error });
    if (state !== 'ok') return;
    if (retryAt !== undefined) await hooks.emit('retry', { job, error, retryAt });
    else await hooks.emit('dead', { job, error });
  }
}
