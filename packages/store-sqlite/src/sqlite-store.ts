import {
  type ActivityMinute,
  type ActivityQuery,
  type ClaimedJob,
  type ClaimRequest,
  checkDuration,
  type DoctorOptions,
  type DoctorReport,
  type EnqueueResult,
  type Fence,
  type FireResult,
  type HeartbeatEntry,
  invalidArgument,
  type Job,
  type JobPage,
  type JobQuery,
  type Leadership,
  type LeaseState,
  type NewJob,
  type PastAttempt,
  type QueueDepth,
  type RecoveryResult,
  type RetentionPolicy,
  type Schedule,
  type ScheduleDefinition,
  type ScheduleFire,
  type SchedulePage,
  type ScheduleQuery,
  type Settlement,
  type SharingOptions,
  type Store,
  type StoreSignal,
  type UpsertScheduleOptions,
  type UpsertScheduleResult,
} from '@cadenza/core';
import {
  checkActivityQuery,
  checkCount,
  checkInstant,
  checkRetentionPolicy,
  checkText,
  gatesOf,
  tenantLimitsOf,
  tenantWeightsOf,
} from '@cadenza/core/store-kit';
import { cancel, retry } from './cancel-retry.js';
import { readActivity, readPastAttempts } from './dashboard-reads.js';
import { releaseDependents } from './dependencies.js';
import { runDoctor } from './doctor.js';
import { enqueueBatch } from './enqueue.js';
import {
  acquireLeadership,
  currentLeadership,
  recordLeaderTick,
  releaseLeadership,
  renewLeadership,
} from './leadership.js';
import { listJobs } from './list-jobs.js';
import { openDatabase } from './open.js';
import { depths } from './queries.js';
import { applyRetention, nextDueAt, promoteDelayed, recoverExpiredLeases } from './recovery.js';
import { loadJob } from './rows.js';
import { deleteSchedule, dueSchedules, listSchedules, loadSchedule } from './schedule-rows.js';
import { recordFires, setSchedulePaused, triggerSchedule, upsertSchedule } from './schedules.js';
import { Transactions } from './transactions.js';
import { claim, heartbeat, settle } from './workers.js';

/**
 * The sharing options (core's SharingOptions: weights, tenant limits, resources, job
 * concurrency) are this store's options, not the file's: each process sharing the file
 * should pass the same. What active jobs hold, and the rate limits' buckets, are read from
 * the file.
 */
export interface SqliteStoreOptions extends SharingOptions {
  /** The database file (created, with its directory, when missing), or `:memory:`. */
  path: string;
  /** How long a call waits for another process's write lock before failing `unavailable`; default 5000. */
  busyTimeoutMs?: number;
}

/**
 * A store in one SQLite file (better-sqlite3, WAL): `cadenza dev`'s default. Several
 * processes may share the file: every operation is one transaction (IMMEDIATE for writes,
 * so they serialise), and the leader lease is a row, so only one coordinator leads.
 * Signals reach listeners in this process only; other processes poll.
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  if (typeof options?.path !== 'string' || options.path === '') {
    throw invalidArgument('path', options?.path, 'the path of a database file');
  }
  const weightOf = tenantWeightsOf(options.tenantWeights ?? {});
  // Checked before the file is opened, so that bad limits leave nothing behind.
  const limitsOf = tenantLimitsOf(options.tenantLimits ?? {});
  const gates = gatesOf({ resources: options.resources, jobConcurrency: options.jobConcurrency });
  const db = openDatabase(options.path, options.busyTimeoutMs);
  return new SqliteStore(new Transactions(db, options.path, weightOf, limitsOf, gates));
}

class SqliteStore implements Store {
  constructor(private readonly tx: Transactions) {}

  // ── producers ────────────────────────────────────────────────────────────
  async enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]> {
    return this.tx.write((c) => enqueueBatch(c, jobs, checkInstant('now', now)));
  }

  async cancel(id: string, now: number): Promise<Job> {
    return this.tx.write((c) => cancel(c, id, checkInstant('now', now)));
  }

  async retry(id: string, now: number): Promise<Job> {
    return this.tx.write((c) => retry(c, id, checkInstant('now', now)));
  }

  // ── queries ──────────────────────────────────────────────────────────────
  async getJob(id: string): Promise<Job | undefined> {
    return this.tx.read((c) => loadJob(c, id));
  }

  async getJobs(ids: readonly string[]): Promise<(Job | undefined)[]> {
    return this.tx.read((c) => ids.map((id) => loadJob(c, id)));
  }

  async listJobs(query: JobQuery): Promise<JobPage> {
    return this.tx.read((c) => listJobs(c, query));
  }

  async depths(): Promise<QueueDepth[]> {
    return this.tx.read((c) => depths(c));
  }

  // ── workers ──────────────────────────────────────────────────────────────
  async claim(request: ClaimRequest): Promise<ClaimedJob[]> {
    return this.tx.write((c) => claim(c, request));
  }

  async heartbeat(entries: readonly HeartbeatEntry[], leaseMs: number, now: number): Promise<LeaseState[]> {
    return this.tx.write((c) => heartbeat(c, entries, leaseMs, now));
  }

  async settle(settlements: readonly Settlement[], now: number): Promise<LeaseState[]> {
    return this.tx.write((c) => settle(c, settlements, now));
  }

  // ── the leading coordinator ─────────────────────────────────────────────
  async acquireLeadership(nodeId: string, ttlMs: number, now: number): Promise<Leadership | undefined> {
    return this.tx.write((c) =>
      acquireLeadership(c, checkText('nodeId', nodeId), checkDuration('ttlMs', ttlMs), checkInstant('now', now)),
    );
  }

  async renewLeadership(fence: Fence, ttlMs: number, now: number): Promise<Leadership | undefined> {
    return this.tx.write((c) => renewLeadership(c, fence, checkDuration('ttlMs', ttlMs), checkInstant('now', now)));
  }

  async releaseLeadership(fence: Fence): Promise<void> {
    return this.tx.write((c) => releaseLeadership(c, fence));
  }

  /** Kept so that another process on the file (`cadenza status`) sees when the leader last ticked. */
  async recordLeaderTick(fence: Fence, now: number): Promise<void> {
    const at = checkInstant('now', now);
    // Fenced inside; it writes the leader row only, so no due time can move.
    this.tx.write((c) => recordLeaderTick(c, fence, at), false);
  }

  async getLeadership(now: number): Promise<Leadership | undefined> {
    return this.tx.read((c) => currentLeadership(c, checkInstant('now', now)));
  }

  async promoteDelayed(fence: Fence, now: number, limit: number): Promise<number> {
    return this.tx.fenced(fence, (c) => promoteDelayed(c, checkInstant('now', now), checkCount('limit', limit)));
  }

  async releaseDependents(fence: Fence, now: number, limit: number): Promise<number> {
    return this.tx.fenced(fence, (c) => releaseDependents(c, checkInstant('now', now), checkCount('limit', limit)));
  }

  async recoverExpiredLeases(fence: Fence, now: number, limit: number): Promise<RecoveryResult> {
    return this.tx.fenced(fence, (c) => recoverExpiredLeases(c, checkInstant('now', now), checkCount('limit', limit)));
  }

  async applyRetention(fence: Fence, policy: RetentionPolicy, now: number): Promise<number> {
    return this.tx.fenced(fence, (c) => {
      checkRetentionPolicy(policy);
      return applyRetention(c, policy, checkInstant('now', now));
    });
  }

  async nextDueAt(): Promise<number | undefined> {
    return this.tx.read((c) => nextDueAt(c));
  }

  // ── schedules ────────────────────────────────────────────────────────────
  async upsertSchedule(
    definition: ScheduleDefinition,
    now: number,
    options?: UpsertScheduleOptions,
  ): Promise<UpsertScheduleResult> {
    return this.tx.write((c) => upsertSchedule(c, definition, checkInstant('now', now), options));
  }

  async getSchedule(tenant: string, id: string): Promise<Schedule | undefined> {
    return this.tx.read((c) => loadSchedule(c, tenant, id));
  }

  async listSchedules(query: ScheduleQuery): Promise<SchedulePage> {
    return this.tx.read((c) => listSchedules(c, query));
  }

  async deleteSchedule(tenant: string, id: string): Promise<boolean> {
    return this.tx.write((c) => deleteSchedule(c, tenant, id));
  }

  async setSchedulePaused(tenant: string, id: string, paused: boolean, now: number): Promise<Schedule> {
    return this.tx.write((c) => setSchedulePaused(c, tenant, id, paused === true, checkInstant('now', now)));
  }

  async triggerSchedule(tenant: string, id: string, now: number): Promise<Job> {
    return this.tx.write((c) => triggerSchedule(c, tenant, id, checkInstant('now', now)));
  }

  async dueSchedules(now: number, limit: number): Promise<Schedule[]> {
    return this.tx.read((c) => dueSchedules(c, checkInstant('now', now), checkCount('limit', limit)));
  }

  async recordFires(fence: Fence, fires: readonly ScheduleFire[], now: number): Promise<FireResult[]> {
    return this.tx.fenced(fence, (c) => recordFires(c, fires, checkInstant('now', now)));
  }

  // ── what the dashboard reads ─────────────────────────────────────────────
  async activity(query: ActivityQuery): Promise<ActivityMinute[]> {
    return this.tx.read((c) => readActivity(c, checkActivityQuery(query)));
  }

  async pastAttempts(id: string): Promise<PastAttempt[]> {
    return this.tx.read((c) => readPastAttempts(c, id));
  }

  // ── upkeep by hand ───────────────────────────────────────────────────────
  /** Checks what the file derives by hand against its rows (doctor.ts), a chunk at a time. */
  async doctor(options: DoctorOptions): Promise<DoctorReport> {
    return runDoctor(this.tx, { repair: options?.repair === true, now: checkInstant('now', options?.now) });
  }

  // ── plumbing ─────────────────────────────────────────────────────────────
  subscribe(listener: (signal: StoreSignal) => void): () => void {
    if (this.tx.isClosed) return () => {};
    return this.tx.signals.subscribe(listener);
  }

  async ping(): Promise<void> {
    this.tx.read((c) => c.sql('SELECT 1').get());
  }

  async close(): Promise<void> {
    this.tx.close();
  }
}
