import type { Clock, EnqueueResult, InputLimits, Logger, Store } from '@cadenza/core';
import type { ProcessMetrics } from './metrics/process-metrics.js';

/** What this process is, as `/v1/cluster` reports it. */
export interface NodeInfo {
  /** The `--id` of this process. */
  id: string;
  /** `dev`, `server`, `coordinator`, `worker`… */
  role: string;
  /** When this process started (epoch ms), where known. */
  startedAt?: number;
  /** This process's worker, when it runs one. */
  worker?: () => { active: number; concurrency?: number };
  /** This process's coordinator, when it runs one: whatever it reports of itself. */
  coordinator?: () => Record<string, unknown>;
}

/** Why a process takes no work now, whatever its store and leader: what `/readyz` answers with. */
export interface NotReady {
  /**
   * `stopping`: a shutdown is under way, answered at once, before the store is even tried.
   * `unavailable`: the process's own work cannot go on (a worker that cannot claim),
   * answered once the store answers (a store that does not answer is said first).
   */
  status: 'stopping' | 'unavailable';
  message: string;
}

/** What every route needs; built once by createServer. */
export interface RouteContext {
  store: Store;
  clock: Clock;
  log: Logger;
  limits: InputLimits;
  node: NodeInfo | undefined;
  metrics: ProcessMetrics;
  /** Why this process takes no work now whatever its store says; else undefined. */
  notReady(): NotReady | undefined;
  /**
   * After jobs were enqueued: tells the caller's hook. (They are counted at the store,
   * metrics/instrument-store.ts, not here.)
   */
  enqueued(results: readonly EnqueueResult[]): void;
  /** After any other write (cancel, retry, schedules). */
  changed(): void;
  /** The token `GET /metrics` asks for, if any. */
  metricsToken?: string;
}
