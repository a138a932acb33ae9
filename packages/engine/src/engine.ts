import { hostname } from 'node:os';
import { Coordinator, type CoordinatorOptions } from '@cadenza/coordinator';
import {
  type Clock,
  checkScheduleLimits,
  definedOnly,
  type EnqueueResult,
  type HandlersMap,
  type Hooks,
  type InputLimits,
  type Job,
  type JobInput,
  type Logger,
  minIntervalMs,
  type NewJob,
  prepareJob,
  prepareJobs,
  prepareSchedule,
  realClock,
  type ScheduleInput,
  type Store,
  silentLogger,
  type UpsertScheduleResult,
  upsertOptionsOf,
} from '@cadenza/core';
import { type HandlerRegistry, Worker, type WorkerOptions } from '@cadenza/worker';

type Shared = 'store' | 'clock' | 'id' | 'log';

export interface EngineOptions {
  store: Store;
  handlers: HandlersMap | HandlerRegistry;
  clock?: Clock;
  /** Names the coordinator and the worker. Default: host name and pid. */
  id?: string;
  log?: Logger;
  hooks?: Hooks;
  /**
   * Limits on input: payload size, the shortest `every` (also the cadence the coordinator
   * paces shorter stored ones to, unless `coordinator.minIntervalMs` says otherwise) and
   * the most schedules per tenant.
   */
  limits?: InputLimits;
  coordinator?: Omit<CoordinatorOptions, Shared>;
  worker?: Omit<WorkerOptions, Shared | 'handlers' | 'hooks'>;
}

/**
 * Single-node mode: one coordinator and one worker on one store, in one process. The
 * same classes run in cluster mode on the Redis store; here they also nudge each other
 * directly (a settled job wakes the coordinator, an enqueued job wakes the worker), so
 * that a store which cannot signal still runs without polling delays.
 */
export class Engine {
  readonly store: Store;
  readonly clock: Clock;
  readonly coordinator: Coordinator;
  readonly worker: Worker;
  private readonly limits: InputLimits | undefined;
  private readonly unwire: (() => void)[] = [];

  constructor(options: EngineOptions) {
    this.store = options.store;
    this.clock = options.clock ?? realClock;
    this.limits = options.limits;
    const id = options.id ?? `${hostname()}:${process.pid}`;
    const log = options.log ?? silentLogger();
    const shared = { store: this.store, clock: this.clock, id, log };
    // A bad limit is the deployment's mistake: refused here, not at each call.
    checkScheduleLimits(this.limits);
    this.coordinator = new Coordinator({
      minIntervalMs: minIntervalMs(this.limits),
      ...options.coordinator,
      ...shared,
    });
    this.worker = new Worker({
      ...options.worker,
      ...shared,
      handlers: options.handlers,
      ...definedOnly({ hooks: options.hooks }),
    });
  }

  async start(): Promise<void> {
    // Every settled attempt may have released dependents or scheduled a retry.
    const wake = (): void => this.coordinator.wake();
    for (const event of ['succeeded', 'failed', 'dropped'] as const) this.unwire.push(this.worker.on(event, wake));
    await this.coordinator.start();
    await this.worker.start();
  }

  /** Stops the worker gracefully (running jobs finish or are released), then the coordinator. */
  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    await this.worker.stop(options);
    await this.coordinator.stop();
    for (const off of this.unwire.splice(0)) off();
  }

  /** Validates and adds one job. */
  async enqueue(input: JobInput): Promise<EnqueueResult> {
    const now = this.clock.now();
    const [result] = await this.add([prepareJob(input, now, this.limits)], now);
    if (result === undefined) throw new Error('store answered an enqueue of one job with no result');
    return result;
  }

  /** Validates and adds jobs, all or nothing; a bad field is named with its index (`jobs.3.name`). */
  async enqueueBatch(inputs: readonly JobInput[]): Promise<EnqueueResult[]> {
    const now = this.clock.now();
    return this.add(prepareJobs(inputs, now, this.limits), now);
  }

  private async add(jobs: NewJob[], now: number): Promise<EnqueueResult[]> {
    const results = await this.store.enqueue(jobs, now);
    this.nudge(results.map((r) => r.status));
    return results;
  }

  /**
   * Validates and creates or replaces a schedule. Creating one more than the tenant's limit
   * is refused with `resource_exhausted`; replacing one is always allowed.
   */
  async upsertSchedule(id: string, input: ScheduleInput): Promise<UpsertScheduleResult> {
    const definition = prepareSchedule(id, input, this.limits);
    const result = await this.store.upsertSchedule(definition, this.clock.now(), upsertOptionsOf(this.limits));
    this.coordinator.wake();
    return result;
  }

  /** Cancels a job; an active one here has its signal aborted at once. */
  async cancel(id: string): Promise<Job> {
    const job = await this.store.cancel(id, this.clock.now());
    if (this.worker.activeJobs.includes(id)) await this.worker.heartbeatNow();
    return job;
  }

  getJob(id: string): Promise<Job | undefined> {
    return this.store.getJob(id);
  }

  private nudge(statuses: readonly string[]): void {
    if (statuses.includes('waiting')) this.worker.wake();
    if (statuses.some((s) => s === 'delayed' || s === 'blocked' || s === 'failed')) this.coordinator.wake();
  }
}

export function createEngine(options: EngineOptions): Engine {
  return new Engine(options);
}
