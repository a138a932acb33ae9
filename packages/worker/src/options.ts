import {
  type Clock,
  type HandlersMap,
  type Hooks,
  invalidArgument,
  type Logger,
  realClock,
  type Store,
  silentLogger,
} from '@cadenza/core';
import { withCpuPool } from './cpu/handlers.js';
import type { CpuPool } from './cpu/pool.js';
import { HandlerRegistry } from './registry.js';

export interface WorkerOptions {
  store: Store;
  /** Names this worker in leases, logs and `/v1/cluster`. */
  id: string;
  handlers: HandlersMap | HandlerRegistry;
  clock?: Clock;
  log?: Logger;
  /** Jobs run at once. Default 10. */
  concurrency?: number;
  /** Most jobs asked for in one claim. Default 100. */
  claimBatch?: number;
  /** Lease length; a job whose worker stops heart-beating this long runs again. Default 30 s. */
  leaseMs?: number;
  /** Default leaseMs / 3. */
  heartbeatEveryMs?: number;
  /** How often an idle worker looks for work when no store signal comes. Default 1 s. */
  pollMs?: number;
  hooks?: Hooks;
  /** Source of randomness for backoff jitter, in [0, 1). Default Math.random. */
  random?: () => number;
  /** How long `stop()` waits for running handlers before releasing them. Default 10 s. */
  shutdownTimeoutMs?: number;
  /** How long a settlement may wait for others to share its store call. Default 2 ms. */
  settleDelayMs?: number;
  /** Only claim jobs of these tenants (dedicated capacity); all when absent. */
  tenants?: readonly string[];
  /**
   * Worker threads for `cpu: true` handlers. Default: the sum of their `concurrency` when
   * each sets one, else `os.availableParallelism() - 1`; at least 1, at most `concurrency`.
   */
  cpuThreads?: number;
  /** Heap limit of each CPU thread; a job past it fails with `resource_exhausted`. Default 256. */
  cpuMemoryMb?: number;
  /** How long a CPU handler may ignore its aborted signal before its thread is ended. Default 1 s. */
  cpuGraceMs?: number;
  /** Above this resident memory (MB) the worker claims nothing new; none by default. */
  maxMemoryMb?: number;
  /** The process's memory in bytes, for the ceiling. Default `process.memoryUsage.rss()`. */
  memoryUsage?: () => number;
}

export interface ResolvedWorkerOptions {
  store: Store;
  id: string;
  registry: HandlerRegistry;
  clock: Clock;
  log: Logger;
  concurrency: number;
  claimBatch: number;
  leaseMs: number;
  heartbeatEveryMs: number;
  pollMs: number;
  hooks: Hooks | undefined;
  random: () => number;
  shutdownTimeoutMs: number;
  settleDelayMs: number;
  tenants: readonly string[] | undefined;
  /** Runs the `cpu: true` handlers (already routed to it in `registry`); none without them. */
  cpuPool: CpuPool | undefined;
  maxMemoryMb: number | undefined;
  memoryUsage: () => number;
}

function positiveInt(field: string, value: unknown, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidArgument(field, value, min === 0 ? 'an integer of 0 or more' : 'a positive integer');
  }
  return value;
}

export function resolveWorkerOptions(options: WorkerOptions): ResolvedWorkerOptions {
  if (typeof options.id !== 'string' || options.id.length === 0) {
    throw invalidArgument('id', options.id, 'a non-empty string naming this worker');
  }
  const leaseMs = positiveInt('leaseMs', options.leaseMs, 30_000);
  const heartbeatEveryMs = positiveInt(
    'heartbeatEveryMs',
    options.heartbeatEveryMs,
    Math.max(1, Math.floor(leaseMs / 3)),
  );
  if (heartbeatEveryMs >= leaseMs) {
    throw invalidArgument('heartbeatEveryMs', heartbeatEveryMs, `less than leaseMs (${leaseMs})`);
  }
  const log = options.log ?? silentLogger();
  const concurrency = positiveInt('concurrency', options.concurrency, 10);
  const { registry, pool } = withCpuPool(HandlerRegistry.from(options.handlers), {
    threads: options.cpuThreads === undefined ? undefined : positiveInt('cpuThreads', options.cpuThreads, 1),
    memoryMb: positiveInt('cpuMemoryMb', options.cpuMemoryMb, 256),
    graceMs: positiveInt('cpuGraceMs', options.cpuGraceMs, 1000, 0),
    concurrency,
    log: log.child({ worker: options.id }),
  });
  return {
    store: options.store,
    id: options.id,
    registry,
    clock: options.clock ?? realClock,
    log,
    concurrency,
    claimBatch: positiveInt('claimBatch', options.claimBatch, 100),
    leaseMs,
    heartbeatEveryMs,
    pollMs: positiveInt('pollMs', options.pollMs, 1000),
    hooks: options.hooks,
    random: options.random ?? Math.random,
    shutdownTimeoutMs: positiveInt('shutdownTimeoutMs', options.shutdownTimeoutMs, 10_000, 0),
    settleDelayMs: positiveInt('settleDelayMs', options.settleDelayMs, 2, 0),
    tenants: options.tenants,
    cpuPool: pool,
    maxMemoryMb: options.maxMemoryMb === undefined ? undefined : positiveInt('maxMemoryMb', options.maxMemoryMb, 1),
    memoryUsage: options.memoryUsage ?? (() => process.memoryUsage.rss()),
  };
}
