/**
 * The coordinator's loop. Many coordinators may run on one store; one leads at a time.
 *
 *              start()                    acquire ok
 *   stopped ───────────► follower ────────────────────────► leader ◄──┐
 *      ▲                   ▲   │ acquire refused or failed      │      │ tick done: sleep until
 *      │                   │   └─► sleep followerPollMs ┐        │      │ nextDueAt / tickMaxMs /
 *      │                   └────────────────────────────┘        │      │ retention / a store signal
 *      │                   ▲                                     ▼      │
 *      │                   │ renew failed · stale epoch ·      tick ────┘
 *      │                   │ deadline passed without renewal     │ (batches until nothing is left)
 *      │                   └─────────────────────────────────────┘
 *      └──── stop() from any state (a leader releases its lease)
 *
 * A tick runs only while the term is acting (before `expiresAt - margin`); every write in
 * it is fenced, and a `StaleEpochError` ends the term at once. A tick plans each due
 * schedule once and writes at most the caps of fire-caps.ts for it; a catch-up longer than
 * that leaves the schedule due, so the next tick starts at once and goes on with it.
 *
 * While the store does not answer, a failed tick or attempt to lead is tried again with
 * backoff (50 ms doubling to 2 s; a follower never waits longer than followerPollMs), and the
 * outage is logged once when it starts and once when it ends.
 */
import {
  Backoff,
  type Clock,
  definedOnly,
  Emitter,
  type Leadership,
  type Logger,
  Outage,
  StaleEpochError,
  type Store,
  Wakeup,
} from '@cadenza/core';
import type { FiredEvent, FireSettings } from './fire-schedules.js';
import { LeaseKeeper, type StepDownReason, type Term } from './leadership.js';
import { type CoordinatorOptions, type ResolvedCoordinatorOptions, resolveCoordinatorOptions } from './options.js';
import { addCounts, emptyCounts, runBatch, type TickCounts } from './tick.js';

export interface TickEvent extends TickCounts {
  at: number;
  /** Finished jobs deleted by retention in this tick (0 when retention did not run). */
  retained: number;
}

export interface CoordinatorEvents {
  leader: { epoch: number; expiresAt: number };
  follower: { epoch: number; reason: StepDownReason; error?: unknown };
  tick: TickEvent;
  fired: FiredEvent;
  error: { error: unknown; during: 'acquire' | 'tick' };
  stopped: { at: number };
}

type State = 'stopped' | 'running' | 'stopping';

export class Coordinator {
  private readonly options: ResolvedCoordinatorOptions;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly events: Emitter<CoordinatorEvents>;
  private readonly keeper: LeaseKeeper;
  private readonly wakeup = new Wakeup();
  private readonly outage: Outage;
  private readonly tickBackoff = new Backoff();
  private readonly leadBackoff = new Backoff();
  private readonly fireSettings: FireSettings;
  /** How long a follower waits before it asks for the lease again. */
  private followerWaitMs: number;
  private state: State = 'stopped';
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private nextRetentionAt = 0;
  private lastTick: number | undefined;

  constructor(options: CoordinatorOptions) {
    this.options = resolveCoordinatorOptions(options);
    this.store = this.options.store;
    this.clock = this.options.clock;
    this.log = this.options.log.child({ coordinator: this.options.id });
    this.events = new Emitter((err, event) => this.log.error({ err, event }, 'coordinator event listener threw'));
    this.outage = new Outage(this.clock, this.log);
    this.followerWaitMs = this.options.followerPollMs;
    this.fireSettings = {
      caps: { maxFires: this.options.maxFiresPerTick, maxPayloadBytes: this.options.maxFirePayloadBytesPerTick },
      minIntervalMs: this.options.minIntervalMs,
      pacedLogged: new Set(),
    };
    this.keeper = new LeaseKeeper({ ...this.options, log: this.log }, (term, reason, error) =>
      this.steppedDown(term, reason, error),
    );
  }

  get id(): string {
    return this.options.id;
  }

  get isLeader(): boolean {
    const term = this.keeper.current;
    return term !== undefined && this.clock.now() < term.deadline;
  }

  /** The lease this coordinator holds, while it leads. */
  get leadership(): Leadership | undefined {
    const term = this.keeper.current;
    return term === undefined ? undefined : { ...term.fence, expiresAt: term.expiresAt };
  }

  /** When the last tick finished (epoch ms), if any. */
  get lastTickAt(): number | undefined {
    return this.lastTick;
  }

  on<K extends keyof CoordinatorEvents & string>(event: K, listener: (e: CoordinatorEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  once<K extends keyof CoordinatorEvents & string>(
    event: K,
    predicate?: (e: CoordinatorEvents[K]) => boolean,
  ): Promise<CoordinatorEvents[K]> {
    return this.events.once(event, predicate);
  }

  /** Asks the leader to tick now (a caller in the same process knows work just arrived). */
  wake(): void {
    if (this.keeper.current !== undefined) this.wakeup.wake();
  }

  /** Starts the loop; resolves after the first attempt to lead, so `isLeader` is meaningful. */
  async start(): Promise<void> {
    if (this.state === 'stopping') await this.stopping;
    if (this.state === 'running') return;
    this.state = 'running';
    this.stopping = undefined;
    this.wakeup.clear();
    this.unsubscribe = this.store.subscribe(() => this.wake());
    await this.tryLead();
    this.loop = this.run().catch((error: unknown) => {
      this.log.fatal({ err: error }, 'coordinator loop crashed');
    });
  }

  /** Stops the loop and gives the lease up so that another coordinator can lead at once. */
  stop(): Promise<void> {
    if (this.state === 'stopped') return Promise.resolve();
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.state = 'stopping';
    this.wakeup.wake();
    await this.loop;
    const term = this.keeper.end('stopped');
    if (term !== undefined) {
      try {
        await this.store.releaseLeadership(term.fence);
      } catch (error) {
        this.log.warn({ err: error }, 'could not release the leader lease; it will expire on its own');
      }
    }
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.state = 'stopped';
    this.events.emit('stopped', { at: this.clock.now() });
  }

  private async run(): Promise<void> {
    while (this.state === 'running') {
      const term = this.keeper.current;
      if (term === undefined) {
        // Followers wake only on their own timer (or stop): store signals are the leader's.
        this.wakeup.clear();
        await this.wakeup.wait(this.clock, this.followerWaitMs);
        if (this.state === 'running') await this.tryLead();
        continue;
      }
      const sleepMs = await this.lead(term);
      if (this.state === 'running' && this.keeper.current === term) await this.wakeup.wait(this.clock, sleepMs);
    }
  }

  private async tryLead(): Promise<void> {
    try {
      const before = this.keeper.current;
      const term = await this.keeper.acquire();
      this.answered(this.leadBackoff);
      this.followerWaitMs = this.options.followerPollMs;
      if (term === undefined || term === before) return;
      if (this.state !== 'running') {
        // stop() came while we were asking; do not start a term nobody will end.
        this.keeper.end('stopped');
        await this.store.releaseLeadership(term.fence);
        return;
      }
      this.announce(term);
    } catch (error) {
      this.outage.failed('acquire', error);
      this.events.emit('error', { error, during: 'acquire' });
      this.followerWaitMs = Math.min(this.leadBackoff.next(), this.options.followerPollMs);
    }
  }

  /** Announces a new term; the keeper calls `steppedDown` when it ends. */
  private announce(term: Term): void {
    this.nextRetentionAt = this.clock.now();
    this.log.info({ epoch: term.fence.epoch, expiresAt: term.expiresAt }, 'leading');
    this.events.emit('leader', { epoch: term.fence.epoch, expiresAt: term.expiresAt });
  }

  private steppedDown(term: Term, reason: StepDownReason, error?: unknown): void {
    if (reason === 'stopped') this.log.info({ epoch: term.fence.epoch }, 'stopped leading');
    else if (reason === 'renew_failed' && error !== undefined) {
      // The store did not answer the renewal: part of an outage, which is logged once.
      this.outage.failed('renew', error);
      this.log.info({ epoch: term.fence.epoch, reason }, 'stepped down as leader');
    } else if (reason === 'lease_deadline') {
      // The promise to operators: a leader that cannot renew in time says so.
      this.log.warn(
        { epoch: term.fence.epoch, reason },
        'could not renew the leader lease in time; stopped leading before it could expire',
      );
    } else this.log.warn({ epoch: term.fence.epoch, reason, err: error }, 'stepped down as leader');
    // Wake the loop so a leader asleep between ticks notices and turns follower.
    this.wakeup.wake();
    this.events.emit('follower', { epoch: term.fence.epoch, reason, ...definedOnly({ error }) });
  }

  /** One tick: batches until nothing is left, retention when due; returns how long to sleep. */
  private async lead(term: Term): Promise<number> {
    this.wakeup.clear();
    const total = emptyCounts();
    const plannedThisTick = new Set<string>();
    let retained = 0;
    try {
      for (;;) {
        if (!this.keeper.isActing(term) || this.state !== 'running') return 0;
        const batch = await runBatch(
          this.store,
          term.fence,
          this.clock.now(),
          this.options.batchSize,
          this.log,
          this.fireSettings,
          plannedThisTick,
        );
        addCounts(total, batch.counts);
        for (const fired of batch.fired) this.events.emit('fired', fired);
        if (!batch.more) break;
      }
      const now = this.clock.now();
      if (now >= this.nextRetentionAt && this.keeper.isActing(term)) {
        retained = await this.store.applyRetention(term.fence, this.options.retention, now);
        this.nextRetentionAt = now + this.options.retentionEveryMs;
      }
      // Where the store keeps it, every node can tell how long ago the leader worked.
      if (this.keeper.isActing(term)) await this.store.recordLeaderTick?.(term.fence, this.clock.now());
    } catch (error) {
      if (error instanceof StaleEpochError) {
        if (this.keeper.current === term) this.keeper.end('stale_epoch', error);
        // A write sent while the term lasted and answered after it ended (a partition or a
        // pause healed): the fence refused it, which is the point; say so once.
        else this.log.warn({ epoch: term.fence.epoch }, 'a write of an ended term was refused by the fence');
        return 0;
      }
      this.outage.failed('tick', error);
      this.events.emit('error', { error, during: 'tick' });
      return this.tickBackoff.next();
    }
    this.answered(this.tickBackoff);
    const worked = total.promoted + total.requeued + total.expired + total.dependents + total.schedulesFired > 0;
    this.lastTick = this.clock.now();
    this.events.emit('tick', { at: this.lastTick, ...total, retained });
    return this.sleepAfterTick(worked);
  }

  private answered(backoff: Backoff): void {
    backoff.reset();
    this.outage.answered();
  }

  private async sleepAfterTick(worked: boolean): Promise<number> {
    let nextDue: number | undefined;
    try {
      nextDue = await this.store.nextDueAt();
    } catch (error) {
      // Sleep tickMaxMs at most; the next tick's own calls retry with backoff.
      this.outage.failed('nextDueAt', error);
    }
    const now = this.clock.now();
    let ms = Math.min(this.options.tickMaxMs, this.nextRetentionAt - now);
    if (nextDue !== undefined) ms = Math.min(ms, nextDue - now);
    // A due time the tick could not act on (a store that counts `<=` where we count `<`)
    // must not spin the loop: after an idle tick, sleep at least a millisecond.
    return Math.max(ms, worked ? 0 : 1);
  }
}
