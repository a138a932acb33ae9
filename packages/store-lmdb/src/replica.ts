import { isDeepStrictEqual } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { type CadenzaError, invalidArgument, type SharingOptions, type StoreSignal } from '@cadenza/core';
import { type MemoryStateSnapshot, newJobId, newLeaseToken, SyncMemoryStore } from '@cadenza/core/store-kit';
import { cannotOpen, decodeValue, encodeValue, type LmdbFile, META } from './lmdb-file.js';

/**
 * The options that shape the store's decisions (who is claimed next, what fits). Every
 * process replaying the log must use the same ones, so they are kept in the file: see
 * `Replica.configure`.
 */
export type StoreConfig = SharingOptions;

/** The memory store's calls that may change the state: each one that succeeds is logged. */
export type WriteOp =
  | 'enqueue'
  | 'cancel'
  | 'retry'
  | 'claim'
  | 'heartbeat'
  | 'settle'
  | 'acquireLeadership'
  | 'renewLeadership'
  | 'releaseLeadership'
  | 'promoteDelayed'
  | 'releaseDependents'
  | 'recoverExpiredLeases'
  | 'applyRetention'
  | 'upsertSchedule'
  | 'deleteSchedule'
  | 'setSchedulePaused'
  | 'triggerSchedule'
  | 'recordFires'
  | 'doctor';

/**
 * A log entry: the call, its arguments (node:v8 bytes) and the random values it drew (lease
 * tokens of claims, ids of triggered schedules' jobs), in the order drawn.
 */
interface LogEntry {
  op: WriteOp | 'configure';
  args: Uint8Array;
  draws?: string[];
}

interface Checkpoint {
  config: StoreConfig;
  state: MemoryStateSnapshot;
}

type AnyCall = (...args: unknown[]) => unknown;

/**
 * This process's copy of the state: core's synchronous memory store, kept equal to the
 * file's by replaying, in seq order, the operations every process logged since the last
 * checkpoint. Every copy starts from the same checkpoint (each process reloads when a new
 * one appears) and replays the same calls with the same arguments and random draws, and
 * the memory store's calls are deterministic given those, so every copy agrees.
 *
 * Not thread-safe and not async: the store calls it inside one LMDB transaction at a time.
 */
export class Replica {
  private store = new SyncMemoryStore();
  private config: StoreConfig = {};
  /** The seq of the last operation this copy holds. */
  private applied = 0;
  /** The seq of the checkpoint this copy started from; -1 before the first load. */
  private loaded = -1;
  /** Set when the copy may hold a change the file does not (a failed commit): rebuilt before its next use. */
  private stale = false;
  /** Bytes of log since the checkpoint, and the checkpoint's own size: see `perform`. */
  private tailBytes = 0;
  private checkpointBytes = 0;

  constructor(
    private readonly file: LmdbFile,
    private readonly minCheckpointBytes: number,
    private readonly signal: (signal: StoreSignal) => void,
  ) {}

  /**
   * Brings the copy up to the file (in the caller's transaction, or lmdb-js's current read
   * snapshot) and returns it. What fails on the way leaves the copy marked for a rebuild.
   */
  catchUp(): SyncMemoryStore {
    try {
      const checkpointSeq = this.readCheckpointSeq();
      if (this.stale || checkpointSeq !== this.loaded) this.load(checkpointSeq);
      for (const { key, value } of this.file.log.getRange({ start: this.applied + 1 })) {
        if (key !== this.applied + 1) throw this.corrupt(`log entry ${this.applied + 1} is missing`);
        this.replay(decodeValue(value, this.file.path, `log entry ${key}`) as LogEntry, key);
        this.applied = key;
        this.tailBytes += value.length;
      }
      return this.store;
    } catch (error) {
      this.stale = true;
      throw error;
    }
  }

  /**
   * Runs a write inside the caller's write transaction: catch up, run it on the copy, log
   * it. A refused call throws a CadenzaError before anything is logged (and changed
   * nothing). Once it has succeeded, the copy is ahead of the file until the transaction
   * commits: if it does not, the caller calls `invalidate()`.
   *
   * When the log since the checkpoint has grown as large as the checkpoint itself (and at
   * least `minCheckpointBytes`), this write also writes a new checkpoint: the file then
   * stays within about three times the state's size, a new process replays at most that
   * much log, and the cost of checkpoints stays in proportion to the bytes logged.
   */
  perform(op: WriteOp, args: readonly unknown[]): unknown {
    const store = this.catchUp();
    let argBytes: Uint8Array;
    try {
      argBytes = serialize(args);
    } catch (error) {
      throw invalidArgument(op, args, `arguments that can be stored (${(error as Error).message})`);
    }
    const draws: string[] = [];
    const drawn = (value: string): string => {
      draws.push(value);
      return value;
    };
    store.useRandom({
      leaseToken: () => drawn(newLeaseToken()),
      jobId: (tenant, now) => drawn(newJobId(tenant, now)),
    });
    let result: unknown;
    try {
      result = (store[op] as AnyCall)(...args);
    } finally {
      store.useRandom();
    }
    this.append({ op, args: argBytes, ...(draws.length === 0 ? {} : { draws }) });
    if (this.tailBytes >= Math.max(this.minCheckpointBytes, this.checkpointBytes)) this.checkpoint();
    return result;
  }

  /**
   * Makes `wanted`'s defined fields the options in force, inside the caller's write
   * transaction: if they differ from the file's, a `configure` entry is logged and every
   * process adopts them when it replays it (the last process to open with options wins).
   * Fields left undefined keep what the file has.
   */
  configure(wanted: StoreConfig): void {
    this.catchUp();
    const merged: StoreConfig = { ...this.config };
    for (const [field, value] of Object.entries(wanted)) {
      if (value !== undefined) merged[field as keyof StoreConfig] = value as never;
    }
    if (isDeepStrictEqual(merged, this.config)) return;
    this.reconfigure(merged);
    this.append({ op: 'configure', args: serialize([merged]) });
  }

  /** The transaction that held a `perform` or `configure` did not commit: rebuild the copy from the file before its next use. */
  invalidate(): void {
    this.stale = true;
  }

  close(): void {
    this.store.close();
  }

  private append(entry: LogEntry): void {
    const seq = this.applied + 1;
    const bytes = encodeValue(entry);
    this.file.log.putSync(seq, bytes);
    this.applied = seq;
    this.tailBytes += bytes.length;
  }

  /**
   * Writes the whole state as the new checkpoint and deletes the log it covers, so that a
   * new process replays only the tail and the file does not grow without bound. This copy
   * then restarts from the checkpoint, as the other processes will.
   */
  private checkpoint(): void {
    const state = this.store.exportState();
    const bytes = encodeValue({ config: this.config, state } satisfies Checkpoint);
    this.file.meta.putSync(META.checkpoint, bytes);
    this.file.meta.putSync(META.checkpointSeq, encodeValue(this.applied));
    const covered = [...this.file.log.getKeys({ end: this.applied + 1 })];
    for (const key of covered) this.file.log.removeSync(key);
    this.rebuild(this.config, state);
    this.loaded = this.applied;
    this.tailBytes = 0;
    this.checkpointBytes = bytes.length;
  }

  private readCheckpointSeq(): number {
    const bytes = this.file.meta.get(META.checkpointSeq);
    if (bytes === undefined) return 0;
    const seq = decodeValue(bytes, this.file.path, 'checkpoint seq');
    if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1) throw this.corrupt(`checkpoint seq ${seq}`);
    return seq;
  }

  /** Restarts the copy from the checkpoint at `seq` (0: none yet, the empty state). */
  private load(seq: number): void {
    const first = this.loaded === -1;
    let checkpoint: Checkpoint = { config: {}, state: new SyncMemoryStore().exportState() };
    let size = 0;
    if (seq > 0) {
      const bytes = this.file.meta.get(META.checkpoint);
      if (bytes === undefined) throw this.corrupt(`the checkpoint at seq ${seq} is missing`);
      checkpoint = decodeValue(bytes, this.file.path, 'checkpoint') as Checkpoint;
      size = bytes.length;
    }
    try {
      this.rebuild(checkpoint.config ?? {}, checkpoint.state);
    } catch (error) {
      throw this.corrupt(`the checkpoint at seq ${seq} is not a valid cadenza state: ${(error as Error).message}`);
    }
    this.applied = seq;
    this.loaded = seq;
    this.stale = false;
    this.tailBytes = 0;
    this.checkpointBytes = size;
    // Work may have appeared that this process's loops never heard of: wake them to look.
    if (!first) {
      this.signal('ready');
      this.signal('due');
    }
  }

  private replay(entry: LogEntry, seq: number): void {
    const args = deserialize(entry.args) as unknown[];
    if (entry.op === 'configure') {
      this.reconfigure(args[0] as StoreConfig);
      return;
    }
    const draws = entry.draws ?? [];
    let next = 0;
    const recorded = (): string => {
      const value = draws[next++];
      if (value === undefined) throw this.corrupt(`log entry ${seq} drew more random values than it recorded`);
      return value;
    };
    this.store.useRandom({ leaseToken: recorded, jobId: recorded });
    try {
      (this.store[entry.op] as AnyCall)(...args);
    } catch (error) {
      throw this.corrupt(`log entry ${seq} (${entry.op}) does not replay: ${(error as Error).message}`);
    } finally {
      this.store.useRandom();
    }
  }

  private reconfigure(config: StoreConfig): void {
    this.rebuild(config, this.store.exportState());
  }

  /** A new copy holding `state` under `config`, heard by the same listener. */
  private rebuild(config: StoreConfig, state: MemoryStateSnapshot): void {
    const store = new SyncMemoryStore({ ...config, initialState: state });
    store.subscribe(this.signal);
    this.store.close();
    this.store = store;
    this.config = config;
  }

  private corrupt(what: string): CadenzaError {
    return cannotOpen(this.file.path, `${what} (corrupt?)`);
  }
}
