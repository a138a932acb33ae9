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
  /**
   * Why this process's own work is not ready (a worker that cannot claim), or undefined:
   * `/readyz` answers 503 with it even while the store answers.
   */
  notReady?: () => string | undefined;
}

/** What every route needs; built once by createServer. */
export interface RouteContext {
  store: Store;
  clock: Clock;
  log: Logger;
  limits: InputLimits;
  node: NodeInfo | undefined;
  metrics: ProcessMetrics;
  /** Why this process is not ready whatever its store says (it is shutting down); else undefined. */
  notReady(): string | undefined;
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
