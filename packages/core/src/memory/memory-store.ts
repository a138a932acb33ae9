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
  Store,
  StoreSignal,
  UpsertScheduleOptions,
  UpsertScheduleResult,
} from '../store/store.js';
import { checkActivityQuery } from '../store/support/activity.js';
import { checkCount, checkDuration, checkInstant, checkText } from '../store/support/arguments.js';
import { type Gates, gatesOf, type ResourceLimits } from '../store/support/gates.js';
import { type CheckedLimits, type TenantLimits, tenantLimitsOf } from '../store/support/limits.js';
import { checkRetentionPolicy } from '../store/support/retention.js';
import { tenantWeightsOf } from '../store/support/weights.js';
import { cancel, retry } from './cancel-retry.js';
import { releaseDependents } from './dependencies.js';
import { doctor } from './doctor.js';
import { applyInserts, planInserts } from './enqueue.js';
import { depths, listJobs } from './queries.js';
import { promoteDelayed, recoverExpiredLeases } from './recovery.js';
import { applyRetention } from './retention.js';
import { recordFires, setSchedulePaused, triggerSchedule, upsertSchedule } from './schedules.js';
import { MemoryState } from './state.js';
import { exportState, importState, type MemoryStateSnapshot } from './state-snapshot.js';
import { claim, heartbeat, settle } from './workers.js';

/**
 * Also `resources` and `jobConcurrency` (core's ResourceLimits): capacities shared by every
 * tenant, enforced at claim time; a job that does not fit waits while the jobs behind it go
 * on. Checked: a bad capacity throws `invalid_argument` naming `resources.<name>` or
 * `jobConcurrency.<job name>`.
 */
export interface MemoryStoreOptions extends ResourceLimits {
  /** Relative weights for fair service between tenants; default 1 each. */
  tenantWeights?: Record<string, number>;
  /**
   * Per-tenant limits, enforced at claim time (core's TenantLimits): over a limit a
   * tenant's jobs wait and other tenants are served. Checked: a bad limit throws
   * `invalid_argument` naming `tenantLimits.<tenant>.<field>`.
   */
  tenantLimits?: Record<string, TenantLimits>;
  /**
   * State to start from, as `exportState()` gave it (e.g. read back from a file). Checked
   * first: a malformed snapshot throws `invalid_argument` naming the field, a newer
   * `format` is refused.
   */
  initialState?: MemoryStateSnapshot;
  /**
   * Called (synchronously, after the change is complete) after every successful call that
   * may have changed the state; never after a refused call or a query. A store built on
   * this one (store-file) uses it to schedule a write. What it throws is ignored.
   */
  onChange?: () => void;
}

/** The memory store, plus a way to copy its state out (for stores that persist it). */
export interface MemoryStore extends Store {
  /** A plain, serialisable deep copy of the whole state (see state-snapshot.ts). */
  exportState(): MemoryStateSnapshot;
  /** Always there (see Store): store-file answers with it. */
  doctor(options: DoctorOptions): Promise<DoctorReport>;
  /** Always there (see Store), kept in the snapshot: store-file answers with them. */
  activity(query: ActivityQuery): Promise<ActivityMinute[]>;
  pastAttempts(id: string): Promise<PastAttempt[]>;
}

/**
 * A store that keeps everything in this process: for tests, `cadenza dev --store memory`
 * and as the reference the conformance suite is checked against. State is lost with the
 * process.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const store = new InMemoryStore(
    tenantWeightsOf(options.tenantWeights ?? {}),
    tenantLimitsOf(options.tenantLimits ?? {}),
    gatesOf({ resources: options.resources, jobConcurrency: options.jobConcurrency }),
    options.onChange,
  );
  if (options.initialState !== undefined) store.importState(options.initialState);
  return store;
}

/**
 * The Store interface over MemoryState. Each method is synchronous inside (so atomic:
 * nothing interleaves with it) and async outside, like every other store. Values are
 * cloned in and out, so callers never share objects with the store's state. After each
 * write, a due time that moved earlier is signalled as `due` (job-states.ts signals
 * `ready`), so that a sleeping coordinator wakes for it.
 */
class InMemoryStore implements MemoryStore {
  private readonly state: MemoryState;
  private closed = false;

  constructor(
    weightOf: (tenant: string) => number,
    limitsOf: (tenant: string) => CheckedLimits | undefined,
    gates: Gates,
    private readonly onChange: (() => void) | undefined,
  ) {
    this.state = new MemoryState(weightOf, limitsOf, gates);
  }

  exportState(): MemoryStateSnapshot {
    return exportState(this.state);
  }

  /** Replaces the state with a checked copy of `snapshot` (only at creation). */
  importState(snapshot: MemoryStateSnapshot): void {
    importState(this.state, snapshot);
  }

  // ── producers ────────────────────────────────────────────────────────────
  async enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]> {
    return this.write(() => {
      checkInstant('now', now);
      const plan = planInserts(this.state, jobs, now);
      applyInserts(this.state, plan);
      return plan.results;
    });
  }

  async cancel(id: string, now: number): Promise<Job> {
    return this.write(() => cancel(this.state, id, checkInstant('now', now)));
  }

  async retry(id: string, now: number): Promise<Job> {
    return this.write(() => retry(this.state, id, checkInstant('now', now)));
  }

  // ── queries ──────────────────────────────────────────────────────────────
  async getJob(id: string): Promise<Job | undefined> {
    return this.read(() => this.state.jobs.get(id));
  }

  async getJobs(ids: readonly string[]): Promise<(Job | undefined)[]> {
    return this.read(() => ids.map((id) => this.state.jobs.get(id)));
  }

  async listJobs(query: JobQuery): Promise<JobPage> {
    return this.read(() => listJobs(this.state, query));
  }

  async depths(): Promise<QueueDepth[]> {
    return this.read(() => depths(this.state));
  }

  // ── workers ──────────────────────────────────────────────────────────────
  async claim(request: ClaimRequest): Promise<ClaimedJob[]> {
    return this.write(() => claim(this.state, request));
  }

  async heartbeat(entries: readonly HeartbeatEntry[], leaseMs: number, now: number): Promise<LeaseState[]> {
    return this.write(() => heartbeat(this.state, entries, leaseMs, now));
  }

  async settle(settlements: readonly Settlement[], now: number): Promise<LeaseState[]> {
    return this.write(() => settle(this.state, settlements, now));
  }

  // ── the leading coordinator ─────────────────────────────────────────────
  async acquireLeadership(nodeId: string, ttlMs: number, now: number): Promise<Leadership | undefined> {
    return this.write(() =>
      this.state.leader.acquire(checkText('nodeId', nodeId), checkDuration('ttlMs', ttlMs), checkInstant('now', now)),
    );
  }

  async renewLeadership(fence: Fence, ttlMs: number, now: number): Promise<Leadership | undefined> {
    return this.write(() => this.state.leader.renew(fence, checkDuration('ttlMs', ttlMs), checkInstant('now', now)));
  }

  async releaseLeadership(fence: Fence): Promise<void> {
    return this.write(() => this.state.leader.release(fence));
  }

  async getLeadership(now: number): Promise<Leadership | undefined> {
    return this.read(() => this.state.leader.current(checkInstant('now', now)));
  }

  async promoteDelayed(fence: Fence, now: number, limit: number): Promise<number> {
    return this.fenced(fence, () => promoteDelayed(this.state, checkInstant('now', now), checkCount('limit', limit)));
  }

  async releaseDependents(fence: Fence, now: number, limit: number): Promise<number> {
    return this.fenced(fence, () =>
      releaseDependents(this.state, checkInstant('now', now), checkCount('limit', limit)),
    );
  }

  async recoverExpiredLeases(fence: Fence, now: number, limit: number): Promise<RecoveryResult> {
    return this.fenced(fence, () =>
      recoverExpiredLeases(this.state, checkInstant('now', now), checkCount('limit', limit)),
    );
  }

  async applyRetention(fence: Fence, policy: RetentionPolicy, now: number): Promise<number> {
    return this.fenced(fence, () => {
      checkRetentionPolicy(policy);
      return applyRetention(this.state, policy, checkInstant('now', now));
    });
  }

  async nextDueAt(): Promise<number | undefined> {
    return this.read(() => this.state.nextDueAt());
  }

  // ── schedules ────────────────────────────────────────────────────────────
  async upsertSchedule(
    definition: ScheduleDefinition,
    now: number,
    options?: UpsertScheduleOptions,
  ): Promise<UpsertScheduleResult> {
    return this.write(() => upsertSchedule(this.state, definition, checkInstant('now', now), options));
  }

  async getSchedule(tenant: string, id: string): Promise<Schedule | undefined> {
    return this.read(() => this.state.schedules.get(tenant, id));
  }

  async listSchedules(query: ScheduleQuery): Promise<SchedulePage> {
    return this.read(() => this.state.schedules.list(query));
  }

  async deleteSchedule(tenant: string, id: string): Promise<boolean> {
    return this.write(() => this.state.schedules.delete(tenant, id));
  }

  async setSchedulePaused(tenant: string, id: string, paused: boolean, now: number): Promise<Schedule> {
    return this.write(() => setSchedulePaused(this.state, tenant, id, paused === true, checkInstant('now', now)));
  }

  async triggerSchedule(tenant: string, id: string, now: number): Promise<Job> {
    return this.write(() => triggerSchedule(this.state, tenant, id, checkInstant('now', now)));
  }

  async dueSchedules(now: number, limit: number): Promise<Schedule[]> {
    return this.read(() => this.state.schedules.dueAt(checkInstant('now', now), checkCount('limit', limit)));
  }

  async recordFires(fence: Fence, fires: readonly ScheduleFire[], now: number): Promise<FireResult[]> {
    return this.fenced(fence, () => recordFires(this.state, fires, checkInstant('now', now)));
  }

  // ── what the dashboard reads ─────────────────────────────────────────────
  async activity(query: ActivityQuery): Promise<ActivityMinute[]> {
    return this.read(() => this.state.activity.read(checkActivityQuery(query)));
  }

  async pastAttempts(id: string): Promise<PastAttempt[]> {
    return this.read(() => this.state.pastAttempts.get(id) ?? []);
  }

  // ── upkeep by hand ───────────────────────────────────────────────────────
  /**
   * Checks every derived structure against the records (doctor.ts). A repair that changed
   * anything is a write like any other: `onChange` hears it (store-file saves the file) and
   * loops are woken, as a rebuilt index may hold work they could not see.
   */
  async doctor(options: DoctorOptions): Promise<DoctorReport> {
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

  async ping(): Promise<void> {
    this.open();
  }

  async close(): Promise<void> {
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
