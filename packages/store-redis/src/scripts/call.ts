import type { ChainableCommander, Cluster, Redis } from 'ioredis';
import { PACKAGE_VERSION } from '../version.js';
import { ensureOnEveryPrimary, loadOnEveryPrimary } from './cluster-load.js';
import { buildLibrary, ensureLibrary, isMissingFunction, type Library, loadLibrary } from './loader.js';

type Client = Redis | Cluster;
type Target = Client | ChainableCommander;
type Reply = [Error | null, unknown];

/** One function call queued on a pipeline: where it sits, to send it again if Redis lacked it. */
interface Queued {
  index: number;
  name: string;
  keys: readonly string[];
  args: readonly (string | number)[];
}

/** Pipelines holding function calls, with the Scripts that queued them (see execPipeline). */
const QUEUED = new WeakMap<ChainableCommander, { scripts: Scripts; calls: Queued[] }>();

/** Whether a client's connection has a library loaded (shared by every Scripts on that client). */
interface LoadState {
  loaded: boolean;
  loading: Promise<void> | undefined;
}

const LOAD_STATES = new WeakMap<Client, Map<string, LoadState>>();

function loadState(redis: Client, library: string): LoadState {
  let states = LOAD_STATES.get(redis);
  if (states === undefined) {
    const created = new Map<string, LoadState>();
    states = created;
    LOAD_STATES.set(redis, created);
    // After a reconnect the server may be another one: look again before the next call.
    redis.on('ready', () => {
      for (const state of created.values()) state.loaded = false;
    });
  }
  let state = states.get(library);
  if (state === undefined) {
    state = { loaded: false, loading: undefined };
    states.set(library, state);
  }
  return state;
}

let cachedLibrary: Library | undefined;

/** The package's library, built once per process (reading and hashing ~60 KiB of Lua). */
function packageLibrary(): Library {
  cachedLibrary ??= buildLibrary(PACKAGE_VERSION);
  return cachedLibrary;
}

/**
 * Calls the package's Lua on a client or a pipeline: the functions of its Redis Functions
 * library (loader.ts), by FCALL, or FCALL_RO for those that only read. Every call gives
 * the number of its keys, so a function may take any number (enqueue, `-- @keys *`).
 *
 * The library is loaded once per connection before the first call (INFO to check the
 * version, FUNCTION LIST, FUNCTION LOAD REPLACE only when missing), and again after a
 * reconnect (the server may be another, or restarted without its data). When Redis answers
 * that a function is missing anyway (FUNCTION FLUSH, or a server replaced under a live
 * connection), the library is loaded again and the call sent once more, also for calls
 * made in pipelines (execPipeline): a function that is missing did nothing.
 *
 * On a Redis Cluster the library is loaded on every primary (cluster-load.ts); a replica
 * has it from its primary, so a failover finds it there, and a primary that joins later
 * answers "function not found", which loads it on every primary again.
 */
export class Scripts {
  readonly library: Library;
  private readonly state: LoadState;
  private readonly cluster: boolean;

  constructor(
    private readonly redis: Client,
    library: Library = packageLibrary(),
    /** A pipeline of `redis` (on a cluster, one that may span primaries: context.ts). */
    private readonly pipeline: () => ChainableCommander = () => redis.pipeline(),
  ) {
    this.library = library;
    this.state = loadState(redis, library.name);
    this.cluster = (redis as { isCluster?: boolean }).isCluster === true;
  }

  /** Makes sure the library is in Redis (once per connection; shared by concurrent callers). */
  ready(): Promise<void> {
    if (this.state.loaded) return Promise.resolve();
    return this.load(this.cluster ? ensureOnEveryPrimary : (redis, library) => ensureLibrary(redis as Redis, library));
  }

  /** Loads the library again (Redis said a function was missing); shared by concurrent callers. */
  private reload(): Promise<void> {
    this.state.loaded = false;
    return this.load(this.cluster ? loadOnEveryPrimary : (redis, library) => loadLibrary(redis as Redis, library));
  }

  private load(how: (redis: Client, library: Library) => Promise<unknown>): Promise<void> {
    const state = this.state;
    state.loading ??= how(this.redis, this.library)
      .then(() => {
        state.loaded = true;
      })
      .finally(() => {
        state.loading = undefined;
      });
    return state.loading;
  }

  /** On a client: resolves with the reply. On a pipeline: queues the call (reply from execPipeline). */
  call(target: Target, name: string, keys: readonly string[], args: readonly (string | number)[]): unknown {
    if (target === this.redis) return this.callFunction(name, keys, args);
    if (!isPipeline(target)) throw new Error('Scripts.call: a client other than the one these scripts serve');
    const pipeline = target as ChainableCommander;
    let queued = QUEUED.get(pipeline);
    if (queued === undefined) {
      queued = { scripts: this, calls: [] };
      QUEUED.set(pipeline, queued);
    }
    queued.calls.push({ index: pipeline.length, name, keys, args });
    this.send(pipeline, name, keys, args);
    return undefined;
  }

  private async callFunction(name: string, keys: readonly string[], args: readonly (string | number)[]) {
    if (!this.state.loaded) await this.ready();
    try {
      return await this.send(this.redis, name, keys, args);
    } catch (error) {
      if (!isMissingFunction(error)) throw error;
      await this.reload();
      return this.send(this.redis, name, keys, args);
    }
  }

  private send(target: Target, name: string, keys: readonly string[], args: readonly (string | number)[]): unknown {
    const fn = this.library.functions.get(name);
    if (fn === undefined) throw new Error(`lua function ${name} is not in the library`);
    if (fn.readOnly) return target.fcall_ro(fn.name, keys.length, ...keys, ...args);
    return target.fcall(fn.name, keys.length, ...keys, ...args);
  }

  /** The pipeline part of execPipeline: sends the library first, retries calls that missed it. */
  async exec(pipeline: ChainableCommander, calls: readonly Queued[]): Promise<Reply[] | null> {
    if (!this.state.loaded) await this.ready();
    const replies = (await pipeline.exec()) as Reply[] | null;
    if (replies === null) return null;
    const missed = calls.filter((call) => isMissingFunction(replies[call.index]?.[0]));
    if (missed.length === 0) return replies;
    await this.reload();
    const again = this.pipeline();
    for (const call of missed) this.send(again, call.name, call.keys, call.args);
    const answers = (await again.exec()) as Reply[] | null;
    if (answers === null) return null;
    missed.forEach((call, k) => {
      replies[call.index] = answers[k] as Reply;
    });
    return replies;
  }
}

/** ioredis pipelines, and the store's cluster pipelines, have a length; clients have none. */
function isPipeline(target: Target): target is ChainableCommander {
  return typeof (target as { length?: unknown }).length === 'number';
}

/**
 * `pipeline.exec()`, for pipelines that may hold function calls: the library is made
 * sure of first, and calls that Redis answered with a missing function are sent again
 * once it is loaded (after the rest of the pipeline: only what followed them in it ran
 * ahead of them).
 */
export function execPipeline(pipeline: ChainableCommander): Promise<Reply[] | null> {
  const queued = QUEUED.get(pipeline);
  if (queued === undefined) return pipeline.exec() as Promise<Reply[] | null>;
  QUEUED.delete(pipeline);
  return queued.scripts.exec(pipeline, queued.calls);
}
