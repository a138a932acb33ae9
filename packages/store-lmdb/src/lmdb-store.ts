import { resolve } from 'node:path';
import {
  type ActivityMinute,
  type ActivityQuery,
  CadenzaError,
  type ClaimedJob,
  type ClaimRequest,
  type DoctorOptions,
  type DoctorReport,
  type EnqueueResult,
  type Fence,
  type FireResult,
  type HeartbeatEntry,
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
import { type MemoryStateSnapshot, SyncMemoryStore, sharingOptionsOf } from '@cadenza/core/store-kit';
import { CallBatch } from './call-batch.js';
import { type LmdbFile, openLmdbFile } from './lmdb-file.js';
import { Replica, type StoreConfig, type WriteOp } from './replica.js';

/**
 * The sharing options (core's SharingOptions: weights, tenant limits, resources, job
 * concurrency) are kept in the file, for every process on it to decide alike: given here, they
 * replace the file's (the last process to open with them wins); left out, the file's apply.
 */
export interface LmdbStoreOptions extends SharingOptions {
  /** The store's file (created, with its folder, if missing); LMDB keeps its lock in PATH-lock beside it. */
  path: string;
  /**
   * The least log, in bytes, between two checkpoints of the whole state (default 1 MiB);
   * past it, a checkpoint is written once the log is as large as the last checkpoint.
   */
  minCheckpointBytes?: number;
  /** How often, in ms, other processes' writes are looked for, to wake this one's loops (default 100). */
  pollMs?: number;
}

export const DEFAULT_MIN_CHECKPOINT_BYTES = 1024 * 1024;
export const DEFAULT_POLL_MS = 100;

/** A store in one LMDB file, shared by the processes that open it (`lmdb:PATH`). */
export interface LmdbStore extends Store {
  /** The file's absolute path. */
  readonly path: string;
  /** A plain copy of the whole state, as core's memory store exports it (after catching up with the file). */
  exportState(): MemoryStateSnapshot;
  doctor(options: DoctorOptions): Promise<DoctorReport>;
  activity(query: ActivityQuery): Promise<ActivityMinute[]>;
  pastAttempts(id: string): Promise<PastAttempt[]>;
}

/**
 * Opens an LMDB store: the file is opened or created, refused with `unavailable` (naming
 * the path) if unreadable, not a cadenza store or of a newer format; this process's copy of
 * the state is loaded from the last checkpoint and the log after it; the options given are
 * made the file's. Bad options are refused with `invalid_argument` before the file is touched.
 */
export async function createLmdbStore(options: LmdbStoreOptions): Promise<LmdbStore> {
  const minCheckpointBytes = wholeNumber(
    'minCheckpointBytes',
    options.minCheckpointBytes ?? DEFAULT_MIN_CHECKPOINT_BYTES,
  );
  const pollMs = wholeNumber('pollMs', options.pollMs ?? DEFAULT_POLL_MS);
  const config: StoreConfig = {
    ...sharingOptionsOf(options),
  };
  new SyncMemoryStore(config).close(); // checks weights, limits and capacities as core does
  if (typeof options.path !== 'string' || options.path === '') {
    throw new CadenzaError('invalid_argument', `path: got ${String(options.path)}, expected the file's path`, {
      field: 'path',
    });
  }
  const file = openLmdbFile(resolve(options.path));
  const store = new LmdbBackedStore(file, minCheckpointBytes, pollMs);
  try {
    store.open(config);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

function wholeNumber(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new CadenzaError('invalid_argument', `${field}: got ${value}, expected a whole number ≥ 1`, { field });
  }
  return value;
}

class LmdbBackedStore implements LmdbStore {
  readonly path: string;
  private readonly replica: Replica;
  private readonly batch: CallBatch;
  private readonly listeners = new Set<(signal: StoreSignal) => void>();
  private readonly poller: NodeJS.Timeout;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly file: LmdbFile,
    minCheckpointBytes: number,
    pollMs: number,
  ) {
    this.path = file.path;
    this.replica = new Replica(file, minCheckpointBytes, (signal) => this.emit(signal));
    this.batch = new CallBatch(file, this.replica);
    // Other processes' writes reach this one only through the file: looking every pollMs
    // replays them, and the replay signals `ready`/`due` as the memory store does, which
    // wakes this process's loops. Unref'd: it never keeps a process alive.
    this.poller = setInterval(() => this.poll(), pollMs);
    this.poller.unref();
  }

  /** Loads the state and makes the caller's options the file's. */
  open(config: StoreConfig): void {
    try {
      this.file.root.transactionSync(() => this.replica.configure(config));
    } catch (error) {
      if (error instanceof CadenzaError) throw error;
      throw new CadenzaError('unavailable', `cannot open store lmdb:${this.path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  // ── writes: each a call of the next write transaction (call-batch.ts) ──────
  async enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]> {
    return this.write('enqueue', [jobs, now]) as Promise<EnqueueResult[]>;
  }
  async cancel(id: string, now: number): Promise<Job> {
    return this.write('cancel', [id, now]) as Promise<Job>;
  }
  async retry(id: string, now: number): Promise<Job> {
    return this.write('retry', [id, now]) as Promise<Job>;
  }
  async claim(request: ClaimRequest): Promise<ClaimedJob[]> {
    return this.write('claim', [request]) as Promise<ClaimedJob[]>;
  }
  async heartbeat(entries: readonly HeartbeatEntry[], leaseMs: number, now: number): Promise<LeaseState[]> {
    return this.write('heartbeat', [entries, leaseMs, now]) as Promise<LeaseState[]>;
  }
  async settle(settlements: readonly Settlement[], now: number): Promise<LeaseState[]> {
    return this.write('settle', [settlements, now]) as Promise<LeaseState[]>;
  }
  async acquireLeadership(nodeId: string, ttlMs: number, now: number): Promise<Leadership | undefined> {
    return this.write('acquireLeadership', [nodeId, ttlMs, now]) as Promise<Leadership | undefined>;
  }
  async renewLeadership(fence: Fence, ttlMs: number, now: number): Promise<Leadership | undefined> {
    return this.write('renewLeadership', [fence, ttlMs, now]) as Promise<Leadership | undefined>;
  }
  async releaseLeadership(fence: Fence): Promise<void> {
    await this.write('releaseLeadership', [fence]);
  }
  async promoteDelayed(fence: Fence, now: number, limit: number): Promise<number> {
    return this.write('promoteDelayed', [fence, now, limit]) as Promise<number>;
  }
  async releaseDependents(fence: Fence, now: number, limit: number): Promise<number> {
    return this.write('releaseDependents', [fence, now, limit]) as Promise<number>;
  }
  async recoverExpiredLeases(fence: Fence, now: number, limit: number): Promise<RecoveryResult> {
    return this.write('recoverExpiredLeases', [fence, now, limit]) as Promise<RecoveryResult>;
  }
  async applyRetention(fence: Fence, policy: RetentionPolicy, now: number): Promise<number> {
    return this.write('applyRetention', [fence, policy, now]) as Promise<number>;
  }
  async upsertSchedule(
    definition: ScheduleDefinition,
    now: number,
    options?: UpsertScheduleOptions,
  ): Promise<UpsertScheduleResult> {
    return this.write('upsertSchedule', [definition, now, options]) as Promise<UpsertScheduleResult>;
  }
  async deleteSchedule(tenant: string, id: string): Promise<boolean> {
    return this.write('deleteSchedule', [tenant, id]) as Promise<boolean>;
  }
  async setSchedulePaused(tenant: string, id: string, paused: boolean, now: number): Promise<Schedule> {
    return this.write('setSchedulePaused', [tenant, id, paused, now]) as Promise<Schedule>;
  }
  async triggerSchedule(tenant: string, id: string, now: number): Promise<Job> {
    return this.write('triggerSchedule', [tenant, id, now]) as Promise<Job>;
  }
  async recordFires(fence: Fence, fires: readonly ScheduleFire[], now: number): Promise<FireResult[]> {
    return this.write('recordFires', [fence, fires, now]) as Promise<FireResult[]>;
  }

  /** A check reads; a repair is a write like any other, logged so that every process repairs alike. */
  async doctor(options: DoctorOptions): Promise<DoctorReport> {
    if (options?.repair === true) return this.write('doctor', [options]) as Promise<DoctorReport>;
    return this.read((store) => store.doctor(options));
  }

  // ── reads: from this process's copy, brought up to the file first ──────────
  async getJob(id: string): Promise<Job | undefined> {
    return this.read((store) => store.getJob(id));
  }
  async getJobs(ids: readonly string[]): Promise<(Job | undefined)[]> {
    return this.read((store) => store.getJobs(ids));
  }
  async listJobs(query: JobQuery): Promise<JobPage> {
    return this.read((store) => store.listJobs(query));
  }
  async depths(): Promise<QueueDepth[]> {
    return this.read((store) => store.depths());
  }
  async getLeadership(now: number): Promise<Leadership | undefined> {
    return this.read((store) => store.getLeadership(now));
  }
  async nextDueAt(): Promise<number | undefined> {
    return this.read((store) => store.nextDueAt());
  }
  async getSchedule(tenant: string, id: string): Promise<Schedule | undefined> {
    return this.read((store) => store.getSchedule(tenant, id));
  }
  async listSchedules(query: ScheduleQuery): Promise<SchedulePage> {
    return this.read((store) => store.listSchedules(query));
  }
  async dueSchedules(now: number, limit: number): Promise<Schedule[]> {
    return this.read((store) => store.dueSchedules(now, limit));
  }
  async activity(query: ActivityQuery): Promise<ActivityMinute[]> {
    return this.read((store) => store.activity(query));
  }
  async pastAttempts(id: string): Promise<PastAttempt[]> {
    return this.read((store) => store.pastAttempts(id));
  }

  exportState(): MemoryStateSnapshot {
    this.checkOpen();
    this.batch.drain();
    this.file.root.resetReadTxn();
    return this.replica.catchUp().exportState();
  }

  // ── plumbing ───────────────────────────────────────────────────────────────
  subscribe(listener: (signal: StoreSignal) => void): () => void {
    if (this.closing !== undefined) return () => {};
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Answers while open and the file can be read. */
  async ping(): Promise<void> {
    await this.read(() => undefined);
  }

  /** Stops looking for other processes' writes and releases the LMDB environment. */
  close(): Promise<void> {
    if (this.closing === undefined) this.batch.drain(); // what was asked before close is answered
    this.closing ??= (async () => {
      clearInterval(this.poller);
      this.listeners.clear();
      this.replica.close();
      await this.file.root.close();
    })();
    return this.closing;
  }

  private emit(signal: StoreSignal): void {
    for (const listener of this.listeners) {
      try {
        listener(signal);
      } catch {
        // A listener's fault is its own: the others still hear the signal.
      }
    }
  }

  /** A write: one call of the next transaction (call-batch.ts). */
  private write(op: WriteOp, args: readonly unknown[]): Promise<unknown> {
    this.checkOpen();
    return this.batch.call(true, () => this.replica.perform(op, args));
  }

  /** A read: answered from this process's copy, first brought up to the file. */
  private read<T>(query: (store: SyncMemoryStore) => T): Promise<T> {
    this.checkOpen();
    return this.batch.call(false, () => query(this.replica.catchUp()));
  }

  private poll(): void {
    if (this.closing !== undefined) return;
    try {
      this.file.root.resetReadTxn();
      this.replica.catchUp();
    } catch {
      // The next call on the store meets the same fault and reports it.
    }
  }

  private checkOpen(): void {
    if (this.closing !== undefined) throw new CadenzaError('unavailable', `the store lmdb:${this.path} is closed`);
  }
}
