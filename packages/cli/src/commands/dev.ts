import { definedOnly, type Logger, realClock } from '@cadenza/core';
import { createEngine, type Engine } from '@cadenza/engine';
import type { Command } from 'commander';
import {
  addLeaderOption,
  addRetentionOptions,
  addWorkerOptions,
  checkLeaderTtl,
  checkRetentionFlags,
  checkWorkerFlags,
  loadHandlers,
  type RetentionFlags,
  type WorkerFlags,
} from '../engine-flags.js';
import { option } from '../env.js';
import { showDefault } from '../help.js';
import { addHttpOptions, checkHttpFlags, type HttpFlags } from '../http-flags.js';
import { coordinatorInfo, workerInfo } from '../node-info.js';
import { addProcessOptions, checkProcessFlags, type ProcessFlags } from '../process-flags.js';
import { recordCoordinator, recordWorker } from '../record-metrics.js';
import { addRedisTlsOptions, type RedisTlsFlags, redisTlsFlagsOf } from '../redis-tls-flags.js';
import { runProcess } from '../run-process.js';
import { addScheduleOptions, checkScheduleFlags, type ScheduleFlags } from '../schedule-flags.js';
import { applyStartupFile, readStartupFile, type StartupFile } from '../schedules-file.js';
import { chooseStore } from '../store-flags.js';
import { DEFAULT_STORE } from '../store-url.js';
import { addTenantOptions, checkTenantFlags, type TenantFlags } from '../tenant-flags.js';

interface DevFlags
  extends ProcessFlags,
    WorkerFlags,
    TenantFlags,
    HttpFlags,
    ScheduleFlags,
    RedisTlsFlags,
    RetentionFlags {
  store: string;
  prefix?: string;
  schedules?: string;
  leaderTtlMs: string;
}

export function registerDev(program: Command): void {
  const command = program
    .command('dev')
    .description('one node: coordinator, worker and HTTP API in one process')
    .addOption(
      option('--store <store>', 'memory, sqlite:PATH, lmdb:PATH, json:PATH, snapshot:PATH or redis://…').default(
        DEFAULT_STORE,
      ),
    )
    .addOption(showDefault(option('--prefix <prefix>', 'key prefix, for a redis:// store'), 'cz'))
    .addOption(option('--schedules <file>', 'JSON file of schedules (and "jobs") upserted at start'));
  addRedisTlsOptions(command);
  addScheduleOptions(addHttpOptions(addProcessOptions(command, '8080')));
  addTenantOptions(addWorkerOptions(command));
  addRetentionOptions(command);
  addLeaderOption(command).action(async (flags: DevFlags) => {
    await runDev(flags);
  });
}

async function runDev(flags: DevFlags): Promise<void> {
  // Check everything that needs no store first, so a bad flag leaves nothing behind.
  const settings = checkProcessFlags(flags);
  const http = checkHttpFlags(flags);
  // The API and the engine (its coordinator, the --schedules file) apply the same limits.
  const limits = { ...http.limits, ...checkScheduleFlags(flags) };
  const worker = checkWorkerFlags(flags);
  const leaderTtlMs = checkLeaderTtl(flags);
  const retention = checkRetentionFlags(flags);
  const choice = {
    ...chooseStore({
      store: flags.store,
      ...definedOnly({ prefix: flags.prefix }),
      ...redisTlsFlagsOf(flags),
    }),
    ...checkTenantFlags(flags),
  };
  const handlers = flags.handlers === undefined ? {} : await loadHandlers(flags.handlers);
  const startup: StartupFile | undefined =
    flags.schedules === undefined ? undefined : readStartupFile(flags.schedules, realClock.now(), limits);

  await runProcess('dev', settings, choice, async ({ store, log, id, metrics }) => {
    if (flags.handlers === undefined) log.warn('no --handlers: every job will fail with no_handler');
    const engine = createEngine({
      store,
      handlers,
      id,
      log,
      limits,
      worker,
      coordinator: { leaseTtlMs: leaderTtlMs, ...retention },
    });
    recordWorker(engine.worker, worker.concurrency, metrics);
    recordCoordinator(engine.coordinator, store, metrics);
    if (startup !== undefined) await applyStartupFile(engine, startup, log);
    await engine.start();
    return {
      node: { ...workerInfo(engine.worker, worker.concurrency), ...coordinatorInfo(engine.coordinator) },
      routes: 'all',
      http: { ...http, limits },
      leading: () => engine.coordinator.isLeader,
      hooks: wakeOnWrites(engine, log),
      stop: (options) => engine.stop(options),
    };
  });
}

/**
 * In one process the API tells the engine of each write at once, so that a store which
 * cannot signal (SQLite, files) still runs new work without waiting for a poll.
 */
function wakeOnWrites(engine: Engine, log: Logger) {
  return {
    onEnqueued: () => {
      engine.worker.wake();
      engine.coordinator.wake();
    },
    onChanged: () => {
      engine.coordinator.wake();
      engine.worker.wake();
      // A cancel through the API reaches a running job's signal at once, not at the next heartbeat.
      if (engine.worker.activeJobs.length > 0) {
        engine.worker
          .heartbeatNow()
          .catch((error: unknown) => log.warn({ err: error }, 'heartbeat after a change failed'));
      }
    },
  };
}
