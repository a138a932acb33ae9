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
import type { SharingOptions } from '../store/support/sharing.js';
import type { MemoryStateSnapshot } from './state-snapshot.js';
import { SyncMemoryStore } from './sync-memory-store.js';

/**
 * The sharing options (weights, tenant limits, resources, job concurrency) are checked: a
 * bad one throws `invalid_argument` naming it (`tenantLimits.<tenant>.<field>`,
 * `resources.<name>`, `jobConcurrency.<job name>`). A job that does not fit a capacity
 * waits while the jobs behind it go on.
 */
export interface MemoryStoreOptions extends SharingOptions {
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
  return new InMemoryStore(new SyncMemoryStore(options));
}

/**
 * The Store interface over SyncMemoryStore: the same calls, async outside like every other
 * store (what a call throws becomes its rejection). Each is synchronous inside, so atomic.
 */
class InMemoryStore implements MemoryStore {
  constructor(private readonly inner: SyncMemoryStore) {}

  exportState(): MemoryStateSnapshot {
    return this.inner.exportState();
  }

  // ── producers ────────────────────────────────────────────────────────────
  async enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]> {
    return this.inner.enqueue(jobs, now);
  }
  async cancel(id: string, now: number): Promise<Job> {
    return this.inner.cancel(id, now);
  }
  async retry(id: string, now: number): Promise<Job> {
    return this.inner.retry(id, now);
  }

  // ── queries ──────────────────────────────────────────────────────────────
  async getJob(id: string): Promise<Job | undefined> {
    return this.inner.getJob(id);
  }
  async getJobs(ids: readonly string[]): Promise<(Job | undefined)[]> {
    return this.inner.getJobs(ids);
  }
  async listJobs(query: JobQuery): Promise<JobPage> {
    return this.inner.listJobs(query);
  }
  async depths(): Promise<QueueDepth[]> {
    return this.inner.depths();
  }

  // ── workers ──────────────────────────────────────────────────────────────
  async claim(request: ClaimRequest): Promise<ClaimedJob[]> {
    return this.inner.claim(request);
  }
  async heartbeat(entries: readonly HeartbeatEntry[], leaseMs: number, now: number): Promise<LeaseState[]> {
    return this.inner.heartbeat(entries, leaseMs, now);
  }
  async settle(settlements: readonly Settlement[], now: number): Promise<LeaseState[]> {
    return this.inner.settle(settlements, now);
  }

  // ── the leading coordinator ─────────────────────────────────────────────
  async acquireLeadership(nodeId: string, ttlMs: number, now: number): Promise<Leadership | undefined> {
    return this.inner.acquireLeadership(nodeId, ttlMs, now);
  }
  async renewLeadership(fence: Fence, ttlMs: number, now: number): Promise<Leadership | undefined> {
    return this.inner.renewLeadership(fence, ttlMs, now);
  }
  async releaseLeadership(fence: Fence): Promise<void> {
    return this.inner.releaseLeadership(fence);
  }
  async getLeadership(now: number): Promise<Leadership | undefined> {
    return this.inner.getLeadership(now);
  }
  async promoteDelayed(fence: Fence, now: number, limit: number): Promise<number> {
    return this.inner.promoteDelayed(fence, now, limit);
  }
  async releaseDependents(fence: Fence, now: number, limit: number): Promise<number> {
    return this.inner.releaseDependents(fence, now, limit);
  }
  async recoverExpiredLeases(fence: Fence, now: number, limit: number): Promise<RecoveryResult> {
    return this.inner.recoverExpiredLeases(fence, now, limit);
  }
  async applyRetention(fence: Fence, policy: RetentionPolicy, now: number): Promise<number> {
    return this.inner.applyRetention(fence, policy, now);
  }
  async nextDueAt(): Promise<number | undefined> {
    return this.inner.nextDueAt();
  }

  // ── schedules ────────────────────────────────────────────────────────────
  async upsertSchedule(
    definition: ScheduleDefinition,
    now: number,
    options?: UpsertScheduleOptions,
  ): Promise<UpsertScheduleResult> {
    return this.inner.upsertSchedule(definition, now, options);
  }
  async getSchedule(tenant: string, id: string): Promise<Schedule | undefined> {
    return this.inner.getSchedule(tenant, id);
  }
  async listSchedules(query: ScheduleQuery): Promise<SchedulePage> {
    return this.inner.listSchedules(query);
  }
  async deleteSchedule(tenant: string, id: string): Promise<boolean> {
    return this.inner.deleteSchedule(tenant, id);
  }
  async setSchedulePaused(tenant: string, id: string, paused: boolean, now: number): Promise<Schedule> {
    return this.inner.setSchedulePaused(tenant, id, paused, now);
  }
  async triggerSchedule(tenant: string, id: string, now: number): Promise<Job> {
    return this.inner.triggerSchedule(tenant, id, now);
  }
  async dueSchedules(now: number, limit: number): Promise<Schedule[]> {
    return this.inner.dueSchedules(now, limit);
  }
  async recordFires(fence: Fence, fires: readonly ScheduleFire[], now: number): Promise<FireResult[]> {
    return this.inner.recordFires(fence, fires, now);
  }

  // ── what the dashboard reads, upkeep by hand ─────────────────────────────
  async activity(query: ActivityQuery): Promise<ActivityMinute[]> {
    return this.inner.activity(query);
  }
  async pastAttempts(id: string): Promise<PastAttempt[]> {
    return this.inner.pastAttempts(id);
  }
  async doctor(options: DoctorOptions): Promise<DoctorReport> {
    return this.inner.doctor(options);
  }

  // ── plumbing ─────────────────────────────────────────────────────────────
  subscribe(listener: (signal: StoreSignal) => void): () => void {
    return this.inner.subscribe(listener);
  }
  async ping(): Promise<void> {
    this.inner.ping();
  }
  async close(): Promise<void> {
    this.inner.close();
  }
}
