import { access, constants, mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  type ActivityMinute,
  type ActivityQuery,
  CadenzaError,
  type ClaimedJob,
  type ClaimRequest,
  type Clock,
  createMemoryStore,
  type DoctorOptions,
  type DoctorReport,
  definedOnly,
  type EnqueueResult,
  type Fence,
  type FireResult,
  type HeartbeatEntry,
  type Job,
  type JobPage,
  type JobQuery,
  type Leadership,
  type LeaseState,
  type Logger,
  type MemoryStore,
  type NewJob,
  type PastAttempt,
  type QueueDepth,
  type RecoveryResult,
  type RetentionPolicy,
  realClock,
  type Schedule,
  type ScheduleDefinition,
  type ScheduleFire,
  type SchedulePage,
  type ScheduleQuery,
  type Settlement,
  type SharingOptions,
  type Store,
  type StoreSignal,
  silentLogger,
  type UpsertScheduleOptions,
  type UpsertScheduleResult,
} from '@cadenza/core';
import {
  gatesOf,
  type MemoryStateSnapshot,
  sharingOptionsOf,
  tenantLimitsOf,
  tenantWeightsOf,
} from '@cadenza/core/store-kit';
import { removeStaleTemporaries, type WriteFileAtomically, writeFileAtomically } from './atomic-write.js';
import type { Codec } from './codec.js';
import { jsonCodec } from './codec-json.js';
import { snapshotCodec } from './codec-snapshot.js';
import { DebouncedWriter } from './debounced-writer.js';

export type FileStoreFormat = 'json' | 'snapshot';

/**
 * The sharing options (core's SharingOptions: weights, tenant limits, resources, job
 * concurrency) are options, not state: the file keeps what each job declares, and the
 * units held follow from the active jobs.
 */
export interface FileStoreOptions extends SharingOptions {
  /** The file holding the state; created (with its folder) on the first write if missing. */
  path: string;
  /** `json`: readable JSON; `snapshot`: node:v8 serialisation. */
  format: FileStoreFormat;
  /** The least time between two writes, in ms (default 250: at most about 4 writes a second). */
  debounceMs?: number;
  /** Where write failures are logged (default: silent). */
  logger?: Logger;
  /** The timers of the debounce (default: real time). */
  clock?: Pick<Clock, 'setTimeout'>;
  /** How the file is written (default: temporary file, fsync, rename, fsync of the folder). For tests. */
  writeFile?: WriteFileAtomically;
}

export const DEFAULT_DEBOUNCE_MS = 250;

/** A store kept in memory and saved to one file (`json:PATH` or `snapshot:PATH`). */
export interface FileStore extends Store {
  /** The file's absolute path. */
  readonly path: string;
  readonly format: FileStoreFormat;
  /** Writes pending changes now; rejects with `unavailable` if the write fails. */
  flush(): Promise<void>;
}

const CODECS: Readonly<Record<FileStoreFormat, Codec>> = { json: jsonCodec, snapshot: snapshotCodec };

/**
 * Opens a file store: reads the file if it exists (a missing file is an empty state, and
 * its folder is created), refusing with `unavailable` — never starting empty — a file that
 * cannot be read, is truncated or corrupt, is in the other format or in a newer version.
 *
 * The state lives in core's memory store, which does every operation; after each change
 * a write is scheduled, debounced to one per `debounceMs`, and `close()` writes what is
 * pending before it resolves (rejecting with `unavailable` if that write fails).
 */
export async function createFileStore(options: FileStoreOptions): Promise<FileStore> {
  const codec = CODECS[options.format];
  if (codec === undefined) {
    throw new CadenzaError('invalid_argument', `format: got ${String(options.format)}, expected json or snapshot`, {
      field: 'format',
    });
  }
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  if (!Number.isFinite(debounceMs) || debounceMs < 0) {
    throw new CadenzaError('invalid_argument', `debounceMs: got ${debounceMs}, expected a number ≥ 0`, {
      field: 'debounceMs',
    });
  }
  // The caller's own options are checked before the file is touched, so that a bad weight
  // or limit is refused as itself (invalid_argument), never blamed on the file.
  tenantWeightsOf(options.tenantWeights ?? {});
  tenantLimitsOf(options.tenantLimits ?? {});
  gatesOf({ resources: options.resources, jobConcurrency: options.jobConcurrency });
  const path = resolve(options.path);
  const initialState = await readState(path, codec);
  const stale = await removeStaleTemporaries(path);
  if (stale.length > 0)
    options.logger?.info({ path, removed: stale }, 'removed temporary files of an interrupted write');
  let store: MemoryStore;
  try {
    store = createMemoryStore({
      ...sharingOptionsOf(options),
      ...definedOnly({ initialState }),
      onChange: () => fileStore.changed(),
    });
  } catch (error) {
    if (initialState === undefined) throw error; // not the file's fault (options are checked above)
    throw cannotOpen(codec, path, `it does not hold a valid cadenza state: ${(error as Error).message}`, error);
  }
  const fileStore = new FileBackedStore(store, path, codec, debounceMs, options);
  return fileStore;
}

/** The decoded state, undefined for a missing file (its folder is then made, and checked writable). */
async function readState(path: string, codec: Codec): Promise<MemoryStateSnapshot | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw cannotOpen(codec, path, `it cannot be read: ${(error as Error).message}`, error);
    try {
      await mkdir(dirname(path), { recursive: true });
      await access(dirname(path), constants.W_OK);
    } catch (cause) {
      throw cannotOpen(codec, path, `its folder cannot be created or written: ${(cause as Error).message}`, cause);
    }
    return undefined;
  }
  try {
    return codec.decode(bytes) as MemoryStateSnapshot; // checked by core on import
  } catch (error) {
    throw cannotOpen(codec, path, (error as Error).message, error);
  }
}

function cannotOpen(codec: Codec, path: string, what: string, cause: unknown): CadenzaError {
  return new CadenzaError('unavailable', `cannot open store ${codec.scheme}:${path}: ${what}`, { cause });
}

class FileBackedStore implements FileStore {
  readonly format: FileStoreFormat;
  private readonly writer: DebouncedWriter;
  private readonly write: WriteFileAtomically;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly inner: MemoryStore,
    readonly path: string,
    private readonly codec: Codec,
    debounceMs: number,
    options: FileStoreOptions,
  ) {
    this.format = codec.scheme;
    this.write = options.writeFile ?? writeFileAtomically;
    const logger = options.logger ?? silentLogger();
    this.writer = new DebouncedWriter(
      () => this.save(),
      debounceMs,
      options.clock ?? realClock,
      (error, failures) => logger.warn({ err: error, path, failures }, 'could not write the store file; will retry'),
    );
  }

  /** Called by the memory store after each change. */
  changed(): void {
    this.writer.changed();
  }

  async flush(): Promise<void> {
    try {
      await this.writer.flush();
    } catch (error) {
      throw this.cannotWrite(error);
    }
  }

  private async save(): Promise<void> {
    await this.write(this.path, this.codec.encode(this.inner.exportState()));
  }

  private cannotWrite(error: unknown): CadenzaError {
    const message = error instanceof Error ? error.message : String(error);
    return new CadenzaError('unavailable', `cannot write store ${this.codec.scheme}:${this.path}: ${message}`, {
      cause: error,
    });
  }

  // ── the Store interface, done by the memory store ─────────────────────────
  enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]> {
    return this.inner.enqueue(jobs, now);
  }
  cancel(id: string, now: number): Promise<Job> {
    return this.inner.cancel(id, now);
  }
  retry(id: string, now: number): Promise<Job> {
    return this.inner.retry(id, now);
  }
  getJob(id: string): Promise<Job | undefined> {
    return this.inner.getJob(id);
  }
  getJobs(ids: readonly string[]): Promise<(Job | undefined)[]> {
    return this.inner.getJobs(ids);
  }
  listJobs(query: JobQuery): Promise<JobPage> {
    return this.inner.listJobs(query);
  }
  depths(): Promise<QueueDepth[]> {
    return this.inner.depths();
  }
  claim(request: ClaimRequest): Promise<ClaimedJob[]> {
    return this.inner.claim(request);
  }
  heartbeat(entries: readonly HeartbeatEntry[], leaseMs: number, now: number): Promise<LeaseState[]> {
    return this.inner.heartbeat(entries, leaseMs, now);
  }
  settle(settlements: readonly Settlement[], now: number): Promise<LeaseState[]> {
    return this.inner.settle(settlements, now);
  }
  acquireLeadership(nodeId: string, ttlMs: number, now: number): Promise<Leadership | undefined> {
    return this.inner.acquireLeadership(nodeId, ttlMs, now);
  }
  renewLeadership(fence: Fence, ttlMs: number, now: number): Promise<Leadership | undefined> {
    return this.inner.renewLeadership(fence, ttlMs, now);
  }
  releaseLeadership(fence: Fence): Promise<void> {
    return this.inner.releaseLeadership(fence);
  }
  getLeadership(now: number): Promise<Leadership | undefined> {
    return this.inner.getLeadership(now);
  }
  promoteDelayed(fence: Fence, now: number, limit: number): Promise<number> {
    return this.inner.promoteDelayed(fence, now, limit);
  }
  releaseDependents(fence: Fence, now: number, limit: number): Promise<number> {
    return this.inner.releaseDependents(fence, now, limit);
  }
  recoverExpiredLeases(fence: Fence, now: number, limit: number): Promise<RecoveryResult> {
    return this.inner.recoverExpiredLeases(fence, now, limit);
  }
  applyRetention(fence: Fence, policy: RetentionPolicy, now: number): Promise<number> {
    return this.inner.applyRetention(fence, policy, now);
  }
  nextDueAt(): Promise<number | undefined> {
    return this.inner.nextDueAt();
  }
  upsertSchedule(
    definition: ScheduleDefinition,
    now: number,
    options?: UpsertScheduleOptions,
  ): Promise<UpsertScheduleResult> {
    return this.inner.upsertSchedule(definition, now, options);
  }
  getSchedule(tenant: string, id: string): Promise<Schedule | undefined> {
    return this.inner.getSchedule(tenant, id);
  }
  listSchedules(query: ScheduleQuery): Promise<SchedulePage> {
    return this.inner.listSchedules(query);
  }
  deleteSchedule(tenant: string, id: string): Promise<boolean> {
    return this.inner.deleteSchedule(tenant, id);
  }
  setSchedulePaused(tenant: string, id: string, paused: boolean, now: number): Promise<Schedule> {
    return this.inner.setSchedulePaused(tenant, id, paused, now);
  }
  triggerSchedule(tenant: string, id: string, now: number): Promise<Job> {
    return this.inner.triggerSchedule(tenant, id, now);
  }
  dueSchedules(now: number, limit: number): Promise<Schedule[]> {
    return this.inner.dueSchedules(now, limit);
  }
  recordFires(fence: Fence, fires: readonly ScheduleFire[], now: number): Promise<FireResult[]> {
    return this.inner.recordFires(fence, fires, now);
  }
  activity(query: ActivityQuery): Promise<ActivityMinute[]> {
    return this.inner.activity(query);
  }
  pastAttempts(id: string): Promise<PastAttempt[]> {
    return this.inner.pastAttempts(id);
  }
  subscribe(listener: (signal: StoreSignal) => void): () => void {
    return this.inner.subscribe(listener);
  }

  /**
   * The memory store's doctor, over the state read from the file. A repair that changed
   * something is written at once rather than debounced: `cadenza doctor --repair` is run by
   * hand and exits next, and what it fixed must be on disk when it says so.
   */
  async doctor(options: DoctorOptions): Promise<DoctorReport> {
    const report = await this.inner.doctor(options);
    if (report.findings.some((finding) => finding.repaired !== undefined)) await this.flush();
    return report;
  }

  /** Answers while the memory store is open and the last write (if any failed) has not stayed failed. */
  async ping(): Promise<void> {
    await this.inner.ping();
    const failure = this.writer.failure;
    if (failure !== undefined) throw this.cannotWrite(failure);
  }

  /** Stops taking changes, then writes what is pending; rejects with `unavailable` if that write fails. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.inner.close();
      this.writer.stop();
      await this.flush();
    })();
    return this.closing;
  }
}
