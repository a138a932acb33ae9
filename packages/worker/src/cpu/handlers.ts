import { CadenzaError, type Job, type JobContext, type Logger } from '@cadenza/core';
import { HandlerRegistry } from '../registry.js';
import { CpuPool, defaultCpuThreads } from './pool.js';

export interface CpuSettings {
  /** Pool size; default: see `cpuPoolSize`. */
  threads: number | undefined;
  memoryMb: number;
  graceMs: number;
  /** The worker's concurrency: more threads than jobs at once would never be used. */
  concurrency: number;
  log: Logger;
}

/**
 * Threads to start at most: the sum of the CPU handlers' own `concurrency` when each sets
 * one, else `os.availableParallelism() - 1`; never more than the worker's concurrency.
 */
export function cpuPoolSize(registry: HandlerRegistry, settings: Pick<CpuSettings, 'threads' | 'concurrency'>): number {
  if (settings.threads !== undefined) return settings.threads;
  const limits = registry
    .names()
    .map((name) => registry.get(name))
    .filter((spec) => spec?.cpu === true)
    .map((spec) => spec?.concurrency);
  const declared = limits.every((n) => n !== undefined) ? limits.reduce<number>((a, n) => a + (n ?? 0), 0) : undefined;
  return Math.max(1, Math.min(declared ?? defaultCpuThreads(), settings.concurrency));
}

/**
 * When `registry` has `cpu: true` handlers: a pool of threads, and a registry in which those
 * handlers post their jobs to it. The threads load the module the registry came from, so a
 * registry built in code (no module path) cannot run them: refused here, naming the handler,
 * rather than run inline where one busy loop would stall heartbeats and every other job.
 */
export function withCpuPool(
  registry: HandlerRegistry,
  settings: CpuSettings,
): { registry: HandlerRegistry; pool: CpuPool | undefined } {
  const cpuNames = registry.names().filter((name) => registry.get(name)?.cpu === true);
  if (cpuNames.length === 0) return { registry, pool: undefined };
  const modulePath = registry.modulePath;
  if (modulePath === undefined) {
    throw new CadenzaError(
      'invalid_argument',
      `handlers[${JSON.stringify(cpuNames[0])}].cpu: cpu: true handlers run in worker threads, which load the handlers ` +
        'module file; handlers given in code have none — load them with loadHandlersModule(path) (or --handlers FILE)',
      { field: 'handlers' },
    );
  }
  const pool = new CpuPool({
    modulePath,
    size: cpuPoolSize(registry, settings),
    memoryMb: settings.memoryMb,
    graceMs: settings.graceMs,
    log: settings.log,
  });
  const routed = new HandlerRegistry(modulePath);
  for (const name of registry.names()) {
    const spec = registry.get(name);
    if (spec === undefined) continue;
    const { cpu, timeoutMs, concurrency } = spec;
    const handler = cpu ? (job: Job, ctx: JobContext) => pool.run(name, job, ctx) : spec.handler;
    routed.register(name, { handler, cpu, timeoutMs, concurrency });
  }
  return { registry: routed, pool };
}
