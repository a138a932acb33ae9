import type { Clock, EnqueueResult, InputLimits, Logger, NewJob, Store } from '@cadenza/core';
import type { ServerMetrics } from './metrics.js';

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

/** What every route needs; built once by createServer. */
export interface RouteContext {
  store: Store;
  clock: Clock;
  log: Logger;
  limits: InputLimits;
  node: NodeInfo | undefined;
  metrics: ServerMetrics;
  /** Why this process is not ready whatever its store says (it is shutting down); else undefined. */
  notReady(): string | undefined;
  /** After jobs were enqueued (counts them, then tells the caller's hook). */
  enqueued(jobs: readonly NewJob[], results: readonly EnqueueResult[]): void;
  /** After any other write (cancel, retry, schedules). */
  changed(): void;
}
