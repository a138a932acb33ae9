import type { EventLog } from '../events/event-log.js';
import type { ClaimedJob, Job, JobError, JobStatus, NewJob } from '../model/job.js';
import type { Schedule, ScheduleDefinition } from '../model/schedule.js';

/**
 * Where cadenza's state lives. The coordinator and the worker are written once against
 * this interface; every store (memory, SQLite, files, Redis) implements it and passes the
 * conformance suite in `@cadenza/core/testing`.
 *
 * The interface is batch-shaped: claims, heartbeats and settlements take and return
 * arrays, so that a networked store can spend one round trip on many jobs. Every method
 * that changes state is atomic: it happens completely or not at all. Time is always
 * passed in (`now`, epoch ms): a store never reads a clock of its own.
 *
 * Errors: `CadenzaError` with `not_found`, `conflict` or `invalid_argument` for refused
 * requests (nothing written), `StaleEpochError` for a fenced write by a deposed leader,
 * `unavailable` when the backing service cannot be reached.
 */
export interface Store {
  // ── producers ────────────────────────────────────────────────────────────
  /**
   * Adds jobs, all or nothing. A job whose tenant already keeps a job with the same
   * `idempotencyKey` creates nothing and reports that job's id with `created: false`.
   * Each `dependsOn` id must name a job of the same tenant that exists already or comes
   * earlier in the batch; otherwise the whole batch is refused with `invalid_argument`.
   * A job whose parent already ended failed or canceled is created `failed` with code
   * `dependency_failed`.
   */
  enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]>;
  /** Cancels a job that is not final; an active job's next heartbeat answers `canceled`. */
  cancel(id: string, now: number): Promise<Job>;
  /** Turns a `failed` job back into `waiting` with its attempts reset. */
  retry(id: string, now: number): Promise<Job>;

  // ── queries ──────────────────────────────────────────────────────────────
  getJob(id: string): Promise<Job | undefined>;
  getJobs(ids: readonly string[]): Promise<(Job | undefined)[]>;
  /**
   * One page of jobs, newest first (by `createdAt`, then id, both descending), filtered by
   * every field given. Pass the page's `nextCursor` back as `cursor` for the next page;
   * the list has been read to its end when `nextCursor` is undefined, and only then.
   *
   * A page may hold fewer than `limit` jobs, even none, while `nextCursor` is set: a
   * store may stop after a bounded amount of reading (a filter that few jobs match,
   * served without an index of its own), so that no call reads the whole store. A caller
   * reads on until `nextCursor` is undefined, never stopping at a short page. Jobs added
   * while a caller pages are newer than its cursor and not seen; no job is seen twice.
   *
   * Listed jobs leave out `payload` and `result` (the keys are absent) unless `include`
   * asks for them: a list is for finding jobs, and those two are what can be large.
   * `error` is always there. `getJob` always answers whole jobs.
   */
  listJobs(query: JobQuery): Promise<JobPage>;
  /** Job counts by tenant, priority and status (final statuses included). */
  depths(): Promise<QueueDepth[]>;

  // ── workers ──────────────────────────────────────────────────────────────
  /**
   * Takes up to `limit` waiting jobs and leases them to the worker until
   * `now + leaseMs`: highest priority first; within a priority, tenants in turn (weighted
   * round robin that carries over between calls); within a tenant, first in, first out.
   * Each claimed job's `attempt` goes up by one.
   */
  claim(request: ClaimRequest): Promise<ClaimedJob[]>;
  /** Extends the leases still held; records progress where given. */
  heartbeat(entries: readonly HeartbeatEntry[], leaseMs: number, now: number): Promise<LeaseState[]>;
  /** Ends attempts: succeeded, failed (with `retryAt` for another attempt), or released. */
  settle(settlements: readonly Settlement[], now: number): Promise<LeaseState[]>;

  // ── the leading coordinator ─────────────────────────────────────────────
  /** Takes the lease if free or expired (new epoch), or renews it if `nodeId` holds it. */
  acquireLeadership(nodeId: string, ttlMs: number, now: number): Promise<Leadership | undefined>;
  /** Extends the lease if `fence` still holds it; undefined means leadership is lost. */
  renewLeadership(fence: Fence, ttlMs: number, now: number): Promise<Leadership | undefined>;
  /** Gives the lease up at once so that another coordinator can lead. */
  releaseLeadership(fence: Fence): Promise<void>;
  getLeadership(now: number): Promise<Leadership | undefined>;
  /**
   * Optional: notes that the leader `fence` finished a tick at `now`, so that every node
   * can report how long ago the leader last worked (`Leadership.lastTickAt`). Refused with
   * `StaleEpochError` when the fence no longer leads. A store shared by one process only
   * need not keep it: that process knows its own coordinator.
   */
  recordLeaderTick?(fence: Fence, now: number): Promise<void>;

  // ── the registry of live processes (optional) ─────────────────────────────
  /**
   * Optional: notes that process `node.id` is alive at `now` (its `lastSeenAt`), replacing
   * its previous report. Every process of a cluster calls it every `node.reportEveryMs`, so
   * that `/v1/cluster` and `cadenza status` list them all. A store shared by one process
   * only need not keep it (like `recordLeaderTick`): that process knows itself.
   */
  reportNode?(node: NodeReportInput, now: number): Promise<void>;
  /**
   * Optional, with `reportNode`: the processes heard from lately — each one whose last
   * report is no older than three of its own report intervals — ordered by id. Reports
   * much older than that are forgotten on the way.
   */
  listNodes?(now: number): Promise<NodeReport[]>;
  /** Optional, with `reportNode`: forgets a process at once (it stopped gracefully). */
  forgetNode?(id: string): Promise<void>;

  /**
   * Optional: the event log every process of a deployment shares (core's EventLog), on
   * this store's connection; `onError` hears writes that failed. A store without one
   * serves one process, which keeps its events in memory (MemoryEventLog).
   */
  eventLog?(options?: { onError?: (error: unknown) => void }): EventLog;

  /** Moves delayed jobs whose `runAt` has come to `waiting`; returns how many. */
  promoteDelayed(fence: Fence, now: number, limit: number): Promise<number>;
  /**
   * Settles the children of parents that ended since the last call: a child whose
   * parents all succeeded becomes `waiting`; a child of a failed or canceled parent
   * ends `failed` with `dependency_failed`, and so do its own children.
   */
  releaseDependents(fence: Fence, now: number, limit: number): Promise<number>;
  /**
   * Takes back active jobs whose lease expired: `waiting` again (the attempt stays
   * spent), or `failed` with `lease_expired` when no attempts are left.
   */
  recoverExpiredLeases(fence: Fence, now: number, limit: number): Promise<RecoveryResult>;
  /** Deletes finished jobs beyond the policy, with their index entries; returns how many. */
  applyRetention(fence: Fence, policy: RetentionPolicy, now: number): Promise<number>;
  /** The earliest instant at which a delayed job, a schedule or a lease falls due. */
  nextDueAt(): Promise<number | undefined>;

  // ── schedules ────────────────────────────────────────────────────────────
  /**
   * Creates or replaces a schedule. Its `nextFireAt` is computed by core's
   * `nextFireOnUpsert`: kept when the trigger is unchanged, otherwise the first fire
   * after both `now` and the last fire (so a replaced schedule never fires a time twice).
   * With `options.maxSchedulesPerTenant`, creating a schedule is refused with
   * `resource_exhausted` when its tenant holds that many already (checked inside the
   * store's own write, so two concurrent creates cannot both pass); replacing is allowed.
   */
  upsertSchedule(
    definition: ScheduleDefinition,
    now: number,
    options?: UpsertScheduleOptions,
  ): Promise<UpsertScheduleResult>;
  getSchedule(tenant: string, id: string): Promise<Schedule | undefined>;
  listSchedules(query: ScheduleQuery): Promise<SchedulePage>;
  /** Returns false when there was no such schedule. */
  deleteSchedule(tenant: string, id: string): Promise<boolean>;
  /** Pausing stops fires; resuming fires next after `now` (times passed while paused are not owed). */
  setSchedulePaused(tenant: string, id: string, paused: boolean, now: number): Promise<Schedule>;
  /** Fires a schedule now, whatever its trigger: one job with `scheduledFor = now`. */
  triggerSchedule(tenant: string, id: string, now: number): Promise<Job>;
  /** Unpaused schedules with `nextFireAt <= now`, earliest first. */
  dueSchedules(now: number, limit: number): Promise<Schedule[]>;
  /**
   * Records fires and creates their jobs atomically, schedule by schedule. A fire
   * applies only while the schedule's `nextFireAt` still equals `expectedNextFireAt`
   * (so two coordinators, or a replayed tick, can never fire one time twice); then the
   * jobs are created, `runCount` grows by their number, `lastFireAt` becomes the latest
   * `scheduledFor` among them (unchanged when there are none) and `nextFireAt` is set.
   */
  recordFires(fence: Fence, fires: readonly ScheduleFire[], now: number): Promise<FireResult[]>;

  // ── what the dashboard reads (optional) ─────────────────────────────────
  /**
   * Optional: how many jobs ended, minute by minute, for the `query.minutes` minutes up to
   * and including the one that holds `query.now` (oldest first, one entry per minute, zeros
   * where nothing happened), summed over `query.tenants` (every tenant when absent). A
   * minute is the `now` of the store call that made the change, floored to the minute.
   * `succeeded` and `failed` count jobs that reached those statuses by any path (a failed
   * job whose attempts ran out, whose lease was lost for the last time, or whose parent
   * failed); `retried` counts attempts that failed and were followed by another (backoff or
   * a lost lease), not retries by hand. A store keeps at least ACTIVITY_MINUTES minutes.
   */
  activity?(query: ActivityQuery): Promise<ActivityMinute[]>;
  /**
   * Optional: the attempts of job `id` that ended before its latest one began, oldest
   * first — each that failed and was retried (by backoff or a lost lease), and a failed
   * job's last attempt when it is retried by hand — at most PAST_ATTEMPTS_KEPT of them
   * (the newest). The latest attempt is the job's own `startedAt`, `finishedAt` and
   * `error`. Empty for an unknown job. Deleted with the job.
   */
  pastAttempts?(id: string): Promise<PastAttempt[]>;

  // ── upkeep by hand ───────────────────────────────────────────────────────
  /**
   * Optional: checks the invariants this store relies on (docs/operations.md, "Checking a
   * store: cadenza doctor") and answers one finding per thing wrong; none on a healthy
   * store, whatever its jobs and schedules are doing. With `repair`, fixes what can be
   * fixed without guessing (an index rebuilt from the records it indexes, a count
   * recounted) and says so in each finding's `repaired`; what cannot be fixed safely is
   * reported and left. Reads in bounded chunks, so that it may run against a store in use;
   * a finding is reported only when it is still true when looked at again on its own.
   */
  doctor?(options: DoctorOptions): Promise<DoctorReport>;

  // ── plumbing ─────────────────────────────────────────────────────────────
  /**
   * Tells in-process listeners that work may be ready (`ready`) or that a due time moved
   * earlier (`due`), so loops wake at once rather than on their next poll. A store that
   * cannot tell may never call it; listeners still poll.
   */
  subscribe(listener: (signal: StoreSignal) => void): () => void;
  /** Resolves when the store answers; rejects with `unavailable` otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type StoreSignal = 'ready' | 'due';

/** What each long-running command is, as the registry of live processes tells it. */
export type NodeRole = 'worker' | 'coordinator' | 'server' | 'dev';

/** One process as it last reported itself (`reportNode`); times are epoch ms. */
export interface NodeReport {
  /** Its `--id`. */
  id: string;
  role: NodeRole;
  startedAt: number;
  /** When the store last heard from it: the `now` of its latest report. */
  lastSeenAt: number;
  /** How often it reports; three missed reports and it counts as gone. */
  reportEveryMs: number;
  /** Jobs its worker runs (workers and dev). */
  active?: number;
  /** Jobs its worker may run at once (workers and dev). */
  concurrency?: number;
  /** Whether its coordinator believed it led when it reported (coordinators and dev). */
  leading?: boolean;
}

/** A report as a process sends it: the store stamps `lastSeenAt`. */
export type NodeReportInput = Omit<NodeReport, 'lastSeenAt'>;

/** A leader's credentials, checked by every write it makes. */
export interface Fence {
  nodeId: string;
  epoch: number;
}

export interface Leadership extends Fence {
  expiresAt: number;
  /** When the leader last finished a tick, where the store keeps it (`recordLeaderTick`). */
  lastTickAt?: number;
}

export interface EnqueueResult {
  id: string;
  status: JobStatus;
  /** False when an idempotency key matched a job that was kept. */
  created: boolean;
}

export interface ClaimRequest {
  workerId: string;
  limit: number;
  leaseMs: number;
  now: number;
  /** Only these tenants (a worker with dedicated capacity); all when absent. */
  tenants?: readonly string[];
}

export interface HeartbeatEntry {
  jobId: string;
  token: string;
  progress?: unknown;
}

/** `ok`: the lease is held (or the settlement applied). `lost`: it is not (expired and taken back, or settled already). `canceled`: the job was canceled; stop it. */
export type LeaseState = 'ok' | 'lost' | 'canceled';

export type Settlement =
  | { jobId: string; token: string; outcome: 'succeeded'; result: unknown }
  | { jobId: string; token: string; outcome: 'failed'; error: JobError; retryAt?: number }
  | { jobId: string; token: string; outcome: 'released' };

export interface RecoveryResult {
  requeued: string[];
  failed: string[];
}

export interface RetentionPolicy {
  /** Finished jobs older than this (by `finishedAt`) are deleted. */
  maxAgeMs: number;
  /** At most this many finished jobs are kept per tenant, newest kept. */
  maxCount: number;
}

/** The minutes of activity a store keeps (`Store.activity`): the dashboard's last hour. */
export const ACTIVITY_MINUTES = 60;
/** The most past attempts a store keeps per job (`Store.pastAttempts`), the newest. */
export const PAST_ATTEMPTS_KEPT = 25;

export interface ActivityQuery {
  now: number;
  /** A whole number from 1 to ACTIVITY_MINUTES. */
  minutes: number;
  /** Only these tenants; every tenant when absent. */
  tenants?: readonly string[];
}

/** Jobs that ended in one minute. */
export interface ActivityMinute {
  /** The minute's first instant, epoch ms (a multiple of 60,000). */
  at: number;
  succeeded: number;
  failed: number;
  retried: number;
}

/** An attempt of a job that ended before its latest one began (`Store.pastAttempts`). */
export interface PastAttempt {
  /** Its number, as the handler saw it (from 1). */
  attempt: number;
  /** When it started; undefined where the store did not know. */
  startedAt: number | undefined;
  /** When it ended: the settlement's or the recovery's `now`. */
  endedAt: number;
  /** The worker that ran it, where known. */
  workerId: string | undefined;
  /** Why it ended: the handler's error, `timeout`, or `lease_expired`. */
  error: JobError;
}

/** What `listJobs` lists: jobs matching every filter given, a page at a time. */
export interface JobQuery {
  tenant?: string;
  status?: JobStatus;
  name?: string;
  /** Jobs carrying this tag among their `tags`. */
  tag?: string;
  /** The most jobs in one page (a whole number from 1); a page may hold fewer. */
  limit: number;
  /** The previous page's `nextCursor`; opaque. */
  cursor?: string;
  /** The large fields a listed job carries only when asked for (see `listJobs`). */
  include?: JobInclude;
}

/** `{ payload: true }`, `{ result: true }`, or both: what listed jobs carry besides the rest. */
export interface JobInclude {
  payload?: boolean;
  result?: boolean;
}

/** A job as `listJobs` gives it: whole but for `payload` and `result`, there when included. */
export type ListedJob = Omit<Job, 'payload' | 'result'> & Partial<Pick<Job, 'payload' | 'result'>>;

export interface JobPage {
  /** At most `limit` jobs, perhaps none; newest first. */
  jobs: ListedJob[];
  /** Where the next page starts; undefined once the list has been read to its end. */
  nextCursor: string | undefined;
}

export interface QueueDepth {
  tenant: string;
  priority: number;
  status: JobStatus;
  count: number;
}

export interface ScheduleQuery {
  tenant?: string;
  limit: number;
  cursor?: string;
}

export interface SchedulePage {
  schedules: Schedule[];
  nextCursor: string | undefined;
}

export interface UpsertScheduleOptions {
  /** Most schedules the definition's tenant may hold; no limit when absent. */
  maxSchedulesPerTenant?: number;
}

export interface UpsertScheduleResult {
  schedule: Schedule;
  created: boolean;
}

export interface ScheduleFire {
  tenant: string;
  scheduleId: string;
  expectedNextFireAt: number;
  /** One job per fire time, each carrying `scheduleId` and `scheduledFor`; may be empty (misfire `skip`). */
  jobs: NewJob[];
  nextFireAt: number | undefined;
}

export interface FireResult {
  applied: boolean;
  jobIds: string[];
}

export interface DoctorOptions {
  /** Fix what can be fixed safely, and say what was done. */
  repair: boolean;
  /** Now, for checks that depend on time (a schedule's next fire, a lease's deadline). */
  now: number;
}

/**
 * Which invariant a finding breaks. Every store checks those that apply to how it keeps
 * its data (a SQLite row cannot be in two streams); docs/operations.md lists them.
 */
export type DoctorCheck =
  /** A job is in exactly one place for its status (one stream entry, or one record). */
  | 'placement'
  /** The counts kept per tenant, priority and status equal the jobs stored. */
  | 'counts'
  /** Every tenant and band with waiting jobs is in the index claims read. */
  | 'band-index'
  /** Every active job has a lease, and every lease an active job. */
  | 'leases'
  /** Units held of each resource and job name equal those of the active jobs holding them. */
  | 'gates'
  /** Blocked jobs and the parents they wait on agree. */
  | 'dependencies'
  /** Delayed, finished and listing indexes hold exactly the jobs they index. */
  | 'indexes'
  /** Idempotency keys name jobs that exist, of their own tenant. */
  | 'idempotency'
  /** A schedule's `nextFireAt` is a fire time of its trigger, and is there when it should be. */
  | 'schedules'
  /** Every tenant with jobs or schedules is in the tenant registry. */
  | 'tenants'
  /** Nothing is stored that no part of cadenza reads or deletes. */
  | 'orphans';

export interface DoctorFinding {
  check: DoctorCheck;
  /** What it is about: a job id, `<tenant>/<priority>`, `<tenant>/<schedule id>`, a key. */
  subject: string;
  /** What is wrong, in words. */
  message: string;
  /** With `repair`: what was done; absent when nothing was (or could safely be). */
  repaired?: string;
}

export interface DoctorReport {
  findings: DoctorFinding[];
  /** What was read, so that "nothing found" can be told from "nothing looked at". */
  checked: { tenants: number; jobs: number; schedules: number };
}
