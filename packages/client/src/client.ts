import {
  CadenzaError,
  type CadenzaEvent,
  type Clock,
  checkScheduleLimits,
  DEFAULT_TENANT,
  type EnqueueResult,
  type EventLog,
  type InputLimits,
  type Job,
  type JobInput,
  type JobPage,
  type JobQuery,
  prepareJob,
  prepareJobs,
  prepareSchedule,
  realClock,
  type ScheduleInput,
  type Store,
  subscribe,
  type UpsertScheduleResult,
  upsertOptionsOf,
  withEvents,
} from '@cadenza/core';
import { JobWaiter, type PollOptions, type WaitOptions } from './job-waiter.js';

/** What `listJobs` asks for; `limit` defaults to 50, as `GET /v1/jobs` does. */
export type ListJobsQuery = Partial<JobQuery>;

export const DEFAULT_LIST_LIMIT = 50;

export interface CadenzaClientOptions {
  /** Any store; the client owns it from now on and closes it in `close()`. */
  store: Store;
  /** Where `now` comes from (enqueue times, delays, timeouts). Default: the system clock. */
  clock?: Clock;
  /**
   * Limits on input, as the server applies them: payload size, the shortest `every`
   * (default 1,000 ms) and the most schedules per tenant (default 1,000).
   */
  limits?: InputLimits;
  /** The pace of `waitFor`'s shared poll. */
  poll?: PollOptions;
  /**
   * The cluster's event log: what this client does is told there (enqueued, canceled,
   * retried, fired), and `events()` reads it. Closed with the client.
   */
  events?: EventLog;
}

export interface EventsOptions {
  /** Resume after this event id ('0': from the oldest kept); default: from now on. */
  after?: string;
  /** Ends the iteration (without an error) when aborted. */
  signal?: AbortSignal;
}

/**
 * What another Node service uses to enqueue and inspect jobs: no coordinator, no worker,
 * no HTTP. Every input is checked by core's schemas before the store is asked anything,
 * so a refused call (`CadenzaError` with `invalid_argument`, naming the field) writes
 * nothing; every store call is atomic, so neither does one that fails on the way. Every
 * method that checks input is async, so that a refusal always arrives as a rejection.
 * `createClient` builds one on Redis; this constructor takes any store (tests, embedding).
 */
export class CadenzaClient {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly limits: InputLimits | undefined;
  private readonly waiter: JobWaiter;
  private readonly log: EventLog | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: CadenzaClientOptions) {
    this.log = options.events;
    this.store = options.events === undefined ? options.store : withEvents(options.store, options.events);
    this.clock = options.clock ?? realClock;
    // A bad limit is the caller's mistake: refused here, not at each call.
    checkScheduleLimits(options.limits);
    this.limits = options.limits;
    this.waiter = new JobWaiter(this.store, this.clock, options.poll);
  }

  /** Adds one job; a repeated `idempotencyKey` answers the kept job's id with `created: false`. */
  async enqueue(input: JobInput): Promise<EnqueueResult> {
    const now = this.clock.now();
    const [result] = await this.store.enqueue([prepareJob(input, now, this.limits)], now);
    if (result === undefined) throw new Error('the store answered an enqueue of one job with no result');
    return result;
  }

  /** Adds jobs, all or nothing; a bad field is named with its index (`jobs.3.name`). Results in input order. */
  async enqueueBatch(inputs: readonly JobInput[]): Promise<EnqueueResult[]> {
    const now = this.clock.now();
    return this.store.enqueue(prepareJobs(inputs, now, this.limits), now);
  }

  getJob(id: string): Promise<Job | undefined> {
    return this.store.getJob(id);
  }

  /**
   * A page of jobs, newest first; pass `nextCursor` back as `cursor` for the next page. A
   * page may hold fewer than `limit` jobs, even none, while `nextCursor` is set (the store
   * stopped after a bounded read): read on until `nextCursor` is undefined. Listed jobs
   * carry no `payload` and no `result` unless `include: { payload: true, result: true }`
   * (either or both) asks for them; `getJob` gives the whole job.
   */
  listJobs(query: ListJobsQuery = {}): Promise<JobPage> {
    return this.store.listJobs({ ...query, limit: query.limit ?? DEFAULT_LIST_LIMIT });
  }

  /** Cancels a job that is not final (`conflict` if it is); an active job's worker is told at its next heartbeat. */
  cancel(id: string): Promise<Job> {
    return this.store.cancel(id, this.clock.now());
  }

  /** Turns a `failed` job back into `waiting` with its attempts reset (`conflict` for any other status). */
  retry(id: string): Promise<Job> {
    return this.store.retry(id, this.clock.now());
  }

  /**
   * Creates or replaces the schedule `id` of the input's tenant; answers it with its
   * `nextFireAt`. An `every` below the minimum interval is refused (`invalid_argument`), and
   * so is one schedule more than the tenant may hold (`resource_exhausted`); replacing an
   * existing schedule is always allowed.
   */
  async upsertSchedule(id: string, input: ScheduleInput): Promise<UpsertScheduleResult> {
    const definition = prepareSchedule(id, input, this.limits);
    return this.store.upsertSchedule(definition, this.clock.now(), upsertOptionsOf(this.limits));
  }

  /** Fires a schedule now, whatever its trigger: one job with `scheduledFor` = now. */
  triggerSchedule(id: string, options: { tenant?: string } = {}): Promise<Job> {
    return this.store.triggerSchedule(options.tenant ?? DEFAULT_TENANT, id, this.clock.now());
  }

  /**
   * Resolves with the job once it is final (succeeded, failed or canceled) — a failed job
   * resolves too: look at its `status` and `error`. Rejects with `WaitTimeoutError` after
   * `timeoutMs`, with the signal's reason on abort, with `not_found` for an unknown job
   * and with `unavailable` when the client closes. Polls (see JobWaiter).
   */
  async waitFor(id: string, options: WaitOptions = {}): Promise<Job> {
    return this.waiter.wait(id, options);
  }

  /**
   * The cluster's events (docs/operations.md "Events"), oldest first, as they come: job events (enqueued,
   * started, progress, succeeded, failed, retried, released, canceled), schedule fires and
   * leader changes, from every process. Each event has an `id`; pass the last one seen as
   * `after` to resume where a previous iteration stopped. Ends when `signal` aborts.
   */
  events(options: EventsOptions = {}): AsyncIterable<CadenzaEvent> {
    if (this.log === undefined) {
      throw new CadenzaError('unavailable', 'this client was made without an event log (createClient gives one)');
    }
    return subscribe(this.log, options);
  }

  /** Ends pending waits (`unavailable`) and closes the store's connection. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.waiter
      .close()
      .then(() => this.log?.close())
      .then(() => this.store.close());
    return this.closing;
  }
}
