import type { Clock, Logger, NodeRole, Store } from '@cadenza/core';
import { oneLine } from './errors.js';

/** What a process tells of itself in each report, read afresh every time. */
export interface NodeState {
  active?: number;
  concurrency?: number;
  leading?: boolean;
}

export interface ReporterOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  id: string;
  role: NodeRole;
  /** When this process started (epoch ms). */
  startedAt: number;
  everyMs: number;
  state: () => NodeState;
}

export interface Reporter {
  /** Stops reporting and (when `forget`) removes this process from the registry at once. */
  stop(options?: { forget?: boolean }): Promise<void>;
}

/**
 * Keeps this process in the store's registry of live processes (`reportNode`), so that
 * `/v1/cluster` of any node and `cadenza status` list it: one report now, then one every
 * `everyMs` on an unref'd timer (it never keeps the process alive). A failed report is
 * logged once until one succeeds again, never thrown: being listed is not worth stopping
 * a worker for, and the store's own outage shows in `/readyz` already. Nothing to do on a
 * store without a registry (single node: the one process knows itself).
 */
export async function startReporting(options: ReporterOptions): Promise<Reporter> {
  const { store, clock, log, id, role, startedAt, everyMs, state } = options;
  if (store.reportNode === undefined) return { stop: async () => {} };
  let failing = false;
  let inFlight: Promise<void> | undefined;
  let stopped = false;

  const report = async (): Promise<void> => {
    try {
      await store.reportNode?.({ id, role, startedAt, reportEveryMs: everyMs, ...defined(state()) }, clock.now());
      if (failing) log.info('reporting to the store again: this process is listed in /v1/cluster');
      failing = false;
    } catch (error) {
      if (!failing) log.warn({ err: error }, `could not report this process to the store: ${oneLine(error)}`);
      failing = true;
    }
  };

  await report();
  const timer = setInterval(() => {
    // One report at a time: while a slow store has not answered the last, skip this one.
    if (stopped || inFlight !== undefined) return;
    inFlight = report().finally(() => {
      inFlight = undefined;
    });
  }, everyMs);
  timer.unref();

  return {
    async stop({ forget = true } = {}) {
      stopped = true;
      clearInterval(timer);
      await inFlight;
      if (!forget) return;
      await store.forgetNode?.(id).catch((error: unknown) => {
        // Not fatal: the registry drops this process after three missed reports anyway.
        log.warn({ err: error }, `could not remove this process from the store's registry: ${oneLine(error)}`);
      });
    },
  };
}

/** The fields with a value: a report leaves out what this process does not run. */
function defined(state: NodeState): NodeState {
  return Object.fromEntries(Object.entries(state).filter(([, v]) => v !== undefined)) as NodeState;
}
