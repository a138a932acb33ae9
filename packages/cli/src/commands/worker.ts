import { definedOnly } from '@cadenza/core';
import { Worker } from '@cadenza/worker';
import type { Command } from 'commander';
import { addWorkerOptions, checkTenants, checkWorkerFlags, loadHandlers, type WorkerFlags } from '../engine-flags.js';
import { option } from '../env.js';
import { UsageError } from '../errors.js';
import { markOneRequired, markRequired } from '../help.js';
import { workerInfo } from '../node-info.js';
import { addProcessOptions, checkProcessFlags, type ProcessFlags } from '../process-flags.js';
import { recordWorker } from '../record-metrics.js';
import { runProcess } from '../run-process.js';
import { addRedisOptions, REDIS_CHOICES, requireRedis, type StoreFlags } from '../store-flags.js';
import { addTenantOptions, checkTenantFlags, type TenantFlags } from '../tenant-flags.js';

interface WorkerCommandFlags extends ProcessFlags, WorkerFlags, StoreFlags, TenantFlags {
  tenants?: string;
}

/** `cadenza worker`: runs handlers for jobs it claims from the cluster's Redis; any number may run. */
export function registerWorker(program: Command): void {
  const command = program.command('worker').description("runs handlers for jobs of a cluster's Redis");
  addRedisOptions(command);
  addTenantOptions(
    addWorkerOptions(command).addOption(option('--tenants <list>', 'only claim jobs of these tenants, e.g. a,b')),
  );
  markOneRequired(markRequired(command, '--handlers'), ...REDIS_CHOICES);
  addProcessOptions(command, undefined).action(async (flags: WorkerCommandFlags) => {
    await runWorker(flags);
  });
}

async function runWorker(flags: WorkerCommandFlags): Promise<void> {
  const choice = { ...requireRedis(flags), ...checkTenantFlags(flags) };
  const settings = checkProcessFlags(flags);
  const options = checkWorkerFlags(flags);
  const tenants = checkTenants(flags.tenants);
  if (flags.handlers === undefined) {
    throw new UsageError('--handlers: missing; expected a module whose default export maps job names to handlers');
  }
  const handlers = await loadHandlers(flags.handlers);

  await runProcess('worker', settings, choice, async ({ store, log, id, metrics }) => {
    const worker = new Worker({ ...options, store, handlers, id, log, ...definedOnly({ tenants }) });
    recordWorker(worker, options.concurrency, metrics);
    await worker.start();
    return { node: workerInfo(worker, options.concurrency), routes: 'health', stop: (stop) => worker.stop(stop) };
  });
}
