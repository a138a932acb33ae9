import { CadenzaError } from '../errors.js';
import type { ClaimedJob, Job, NewJob } from '../model/job.js';
import type { Schedule, ScheduleDefinition } from '../model/schedule.js';
import type {
  ActivityMinute,
  ActivityQuery,
  ClaimRequest,
  DoctorOptions,
  DoctorReport,
  EnqueueResult,
  Fence,
  FireResult,
  HeartbeatEntry,
  JobPage,
  JobQuery,
  Leadership,
  LeaseState,
  PastAttempt,
  QueueDepth,
  RecoveryResult,
  RetentionPolicy,
  ScheduleFire,
  SchedulePage,
  ScheduleQuery,
  Settlement,
  StoreSignal,
  UpsertScheduleOptions,
  UpsertScheduleResult,
} from '../store/store.js';
import { checkActivityQuery } from '../store/support/activity.js';
import { checkCount, checkDuration, checkInstant, checkText } from '../store/support/arguments.js';
import { gatesOf } from '../store/support/gates.js';
import { tenantLimitsOf } from '../store/support/limits.js';
import { checkRetentionPolicy } from '../store/support/retention.js';
import { tenantWeightsOf } from '../store/support/weights.js';
import { cancel, retry } from './cancel-retry.js';
import { releaseDependents } from './dependencies.js';
import { doctor } from './doctor.js';
import { applyInserts, planInserts } from './enqueue.js';
import type { MemoryStore, MemoryStoreOptions } from './memory-store.js';
import { depths, listJobs } from './queries.js';
import { promoteDelayed, recoverExpiredLeases } from './recovery.js';
import { applyRetention } from './retention.js';
import { recordFires, setSchedulePaused, triggerSchedule, upsertSchedule } from './schedules.js';
import { DEFAULT_RANDOM, MemoryState, type RandomSource } from './state.js';
import { exportState, importState, type MemoryStateSnapshot } from './state-snapshot.js';
import { claim, heartbeat, settle } from './workers.js';

/**
 * A store's methods as synchronous calls: what each would resolve to is returned, what
 * each would reject with is thrown.
 */
export type Synchronous<S> = {
  [K in keyof S]: S[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : S[K];
};

/**
 * The Store interface over MemoryState, synchronous: each method returns its answer or
 * throws, with nothing interleaving with it (so atomic: a refused call changes nothing).
 * The memory store is this class behind async methods; a store that persists the state by
 * logging each operation (store-lmdb) calls it directly, so that it knows, before it
 * commits, whether an operation succeeded. Values are cloned in and out, so callers never
 * share objects with the state. After each write, a due time that moved earlier is
 * signalled as `due` (job-states.ts signals `ready`), so that a sleeping coordinator wakes
 * for it.
 */
export class SyncMemoryStore implements Synchronous<MemoryStore> {
  private readonly state: MemoryState;
  private closed = false;

  private readonly onChange: (() => void) | undefined;

  /** Checks the options first: a bad weight, limit, capacity or snapshot throws `invalid_argument`. */
  constructor(options: MemoryStoreOptions = {}) {
    this.state = new MemoryState(
      tenantWeightsOf(options.tenantWeights ?? {}),
      tenantLimitsOf(options.tenantLimits ?? {}),
      gatesOf({ resources: options.resources, jobConcurrency: options.jobConcurrency }),
    );
    this.onChange = options.onChange;
    if (options.initialState !== undefined) importState(this.state, options.initialState);
  }

  exportState(): MemoryStateSnapshot {
    return exportState(this.state);
  }

  /**
   * Where the state's random values come from — claims' lease tokens, the ids of triggered
   * schedules' jobs (default: core's newLeaseToken and newJobId). A store that replays a log
   * of operations records what a call drew and hands the same values back when the call is
   * replayed, so that every copy of the state agrees.
   */
  useRandom(source: RandomSource = DEFAULT_RANDOM): void {
    this.state.random = source;
  }

  // ── producers ────────────────────────────────────────────────────────────
  enqueue(jobs: readonly NewJob[], now: number): EnqueueResult[] {
    return this.write(() => {
      checkInstant('now', now);
      const plan = planInserts(this.state, jobs, now);
      applyInserts(this.state, plan);
      return plan.results;
    });
  }

  cancel(id: string, now: number): Job {
    return this.write(() => cancel(this.state, id, checkInstant('now', now)));
  }

  retry(id: string, now: number): Job {
    return this.write(() => retry(this.state, id, checkInstant('now', now)));
  }

  // ── queries ──────────────────────────────────────────────────────────────
  getJob(id: string): Job | undefined {
    return this.read(() => this.state.jobs.get(id));
  }

  getJobs(ids: readonly string[]): (Job | undefined)[] {
    return this.read(() => ids.map((id) => this.state.jobs.get(id)));
  }

  listJobs(query: JobQuery): JobPage {
    return this.read(() => listJobs(this.state, query));
  }

  depths(): QueueDepth[] {
    return this.read(() => depths(this.state));
  }

  // ── workers ──────────────────────────────────────────────────────────────
  claim(request: ClaimRequest): ClaimedJob[] {
    return this.write(() => claim(this.state, request));
  }

  heartbeat(entries: readonly HeartbeatEntry[], leaseMs: number, now: number): LeaseState[] {
    return this.write(() => heartbeat(this.state, entries, leaseMs, now));
  }

  settle(settlements: readonly Settlement[], now: number): LeaseState[] {
    return this.write(() => settle(this.state, settlements, now));
  }

  // ── the leading coordinator ─────────────────────────────────────────────
  acquireLeadership(nodeId: string, ttlMs: number, now: number): Leadership | undefined {
    return this.write(() =>
      this.state.leader.acquire(checkText('nodeId', nodeId), checkDuration('ttlMs', ttlMs), checkInstant('now', now)),
    );
  }

  renewLeadership(fence: Fence, ttlMs: number, now: number): Leadership | undefined {
    return this.write(() => this.state.leader.renew(fence, checkDuration('ttlMs', ttlMs), checkInstant('now', now)));
  }

  releaseLeadership(fence: Fence): void {
    this.write(() => this.state.leader.release(fence));
  }

  getLeadership(now: number): Leadership | undefined {
    return this.read(() => this.state.leader.current(checkInstant('now', now)));
  }

  promoteDelayed(fence: Fence, now: number, limit: number): number {
    return this.fenced(fence, () => promoteDelayed(this.state, checkInstant('now', now), checkCount('limit', limit)));
  }

  releaseDependents(fence: Fence, now: number, limit: number): number {
    return this.fenced(fence, () =>
      releaseDependents(this.state, checkInstant('now', now), checkCount('limit', limit)),
    );
  }

  recoverExpiredLeases(fence: Fence, now: number, limit: number): RecoveryResult {
    return this.fenced(fence, () =>
      recoverExpiredLeases(this.state, checkInstant('now', now), checkCount('limit', limit)),
    );
  }

  applyRetention(fence: Fence, policy: RetentionPolicy, now: number): number {
    return this.fenced(fence, () => {
      checkRetentionPolicy(policy);
      return applyRetention(this.state, policy, checkInstant('now', now));
    });
  }

  nextDueAt(): number | undefined {
    return this.read(() => this.state.nextDueAt());
  }

  // ── schedules ────────────────────────────────────────────────────────────
  upsertSchedule(definition: ScheduleDefinition, now: number, options?: UpsertScheduleOptions): UpsertScheduleResult {
    return this.write(() => upsertSchedule(this.state, definition, checkInstant('now', now), options));
  }

  getSchedule(tenant: string, id: string): Schedule | undefined {
    return this.read(() => this.state.schedules.get(tenant, id));
  }

  listSchedules(query: ScheduleQuery): SchedulePage {
    return this.read(() => this.state.schedules.list(query));
  }

  deleteSchedule(tenant: string, id: string): boolean {
    return this.write(() => this.state.schedules.delete(tenant, id));
  }

  setSchedulePaused(tenant: string, id: string, paused: boolean, now: number): Schedule {
    return this.write(() => setSchedulePaused(this.state, tenant, id, paused === true, checkInstant('now', now)));
  }

  triggerSchedule(tenant: string, id: string, now: number): Job {
    return this.write(() => triggerSchedule(this.state, tenant, id, checkInstant('now', now)));
  }

  dueSchedules(now: number, limit: number): Schedule[] {
    return this.read(() => this.state.schedules.dueAt(checkInstant('now', now), checkCount('limit', limit)));
  }

  recordFires(fence: Fence, fires: readonly ScheduleFire[], now: number): FireResult[] {
    return this.fenced(fence, () => recordFires(this.state, fires, checkInstant('now', now)));
  }

  // ── what the dashboard reads ─────────────────────────────────────────────
  activity(query: ActivityQuery): ActivityMinute[] {
    return this.read(() => this.state.activity.read(checkActivityQuery(query)));
  }

  pastAttempts(id: string): PastAttempt[] {
    return this.read(() => this.state.pastAttempts.get(id) ?? []);
  }

  // ── upkeep by hand ───────────────────────────────────────────────────────
  /**
   * Checks every derived structure against the records (doctor.ts). A repair that changed
   * anything is a write like any other: `onChange` hears it (store-file saves the file) and
   * loops are woken, as a rebuilt index may hold work they could not see.
   */
  doctor(options: DoctorOptions): DoctorReport {
    this.open();
    const checked: DoctorOptions = { repair: options?.repair === true, now: checkInstant('now', options?.now) };
    if (!checked.repair) return this.read(() => doctor(this.state, checked));
    const dueBefore = this.state.nextDueAt();
    const report = structuredClone(doctor(this.state, checked));
    if (report.findings.some((finding) => finding.repaired !== undefined)) {
      const dueAfter = this.state.nextDueAt();
      if (dueAfter !== undefined && (dueBefore === undefined || dueAfter < dueBefore)) this.state.signals.emit('due');
      this.state.signals.emit('ready');
      this.changed();
    }
    return report;
  }

  // ── plumbing ─────────────────────────────────────────────────────────────
  subscribe(listener: (signal: StoreSignal) => void): () => void {
    if (this.closed) return () => {};
    return this.state.signals.subscribe(listener);
  }

  ping(): void {
    this.open();
  }

  close(): void {
    this.closed = true;
    this.state.signals.clear();
  }

  private open(): void {
    if (this.closed) throw new CadenzaError('unavailable', 'the memory store is closed');
  }

  /** Runs a query; the answer is a copy. */
  private read<T>(query: () => T): T {
    this.open();
    return structuredClone(query());
  }

  /** Runs a change; signals `due` when it moved the earliest due time earlier. */
  private write<T>(change: () => T): T {
    this.open();
    const dueBefore = this.state.nextDueAt();
    const result = structuredClone(change());
    const dueAfter = this.state.nextDueAt();
    if (dueAfter !== undefined && (dueBefore === undefined || dueAfter < dueBefore)) this.state.signals.emit('due');
    this.changed();
    return result;
  }

  private changed(): void {
    try {
      this.onChange?.();
    } catch {
      // Ignored on purpose: an observer must not fail a write that is already done.
    }
  }

  /** A leader's write: refused with StaleEpochError, before anything else, unless `fence` leads. */
  private fenced<T>(fence: Fence, change: () => T): T {
    return this.write(() => {
      this.state.leader.check(fence);
      return change();
    });
  }
}
