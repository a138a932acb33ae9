import { type RetentionPolicy, TENANT_PATTERN } from '@cadenza/core';
import { type HandlerRegistry, loadHandlersModule } from '@cadenza/worker';
import type { Command } from 'commander';
import { option } from './env.js';
import { integer, oneLine, UsageError } from './errors.js';
import { showDefault } from './help.js';

// The flags of the worker and the coordinator, shared by `dev` (which runs both) and by
// `worker` and `coordinator` (which run one each).

export interface WorkerFlags {
  handlers?: string;
  concurrency: string;
  leaseMs: string;
  shutdownTimeoutMs: string;
  cpuThreads?: string;
  cpuMemoryMb: string;
  maxMemoryMb?: string;
}

export interface WorkerSettings {
  concurrency: number;
  leaseMs: number;
  shutdownTimeoutMs: number;
  /** Absent: the worker's default (see WorkerOptions.cpuThreads). */
  cpuThreads?: number;
  cpuMemoryMb: number;
  /** Absent: no ceiling. */
  maxMemoryMb?: number;
}

export function addWorkerOptions(command: Command): Command {
  return command
    .addOption(option('--handlers <file>', 'module whose default export maps job names to handlers'))
    .addOption(option('--concurrency <n>', 'jobs run at once').default('10'))
    .addOption(
      option('--lease-ms <ms>', "a job's lease: a job whose worker died runs again this long after").default('30000'),
    )
    .addOption(
      option('--shutdown-timeout-ms <ms>', 'on SIGTERM, how long running jobs may finish before release').default(
        '10000',
      ),
    )
    .addOption(
      showDefault(
        option('--cpu-threads <n>', 'worker threads for cpu: true handlers'),
        "the cpu handlers' summed concurrency, else available cores - 1",
      ),
    )
    .addOption(
      option('--cpu-memory-mb <mb>', 'heap limit of each CPU thread; a job past it fails resource_exhausted').default(
        '256',
      ),
    )
    .addOption(option('--max-memory-mb <mb>', 'claim nothing new while the process uses more memory than this'));
}

export function checkWorkerFlags(flags: WorkerFlags): WorkerSettings {
  return {
    concurrency: integer('--concurrency', flags.concurrency, 1),
    leaseMs: integer('--lease-ms', flags.leaseMs, 2),
    shutdownTimeoutMs: integer('--shutdown-timeout-ms', flags.shutdownTimeoutMs, 0),
    ...(flags.cpuThreads === undefined ? {} : { cpuThreads: integer('--cpu-threads', flags.cpuThreads, 1) }),
    // Below about 16 MB a thread cannot even load its handlers module.
    cpuMemoryMb: integer('--cpu-memory-mb', flags.cpuMemoryMb, 16),
    ...(flags.maxMemoryMb === undefined ? {} : { maxMemoryMb: integer('--max-memory-mb', flags.maxMemoryMb, 1) }),
  };
}

/** `--tenants a,b`: only these tenants' jobs (dedicated capacity); all when absent. */
export function checkTenants(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const tenants = text.split(',').map((t) => t.trim());
  const bad = tenants.find((t) => !TENANT_PATTERN.test(t));
  if (bad !== undefined) {
    throw new UsageError(
      `--tenants: got ${JSON.stringify(bad)} in ${JSON.stringify(text)}, expected tenants like ${TENANT_PATTERN.source} separated by commas`,
    );
  }
  return tenants;
}

export async function loadHandlers(path: string): Promise<HandlerRegistry> {
  try {
    return await loadHandlersModule(path);
  } catch (error) {
    throw new UsageError(`--handlers ${oneLine(error).replace(/^handlers file /, '')}`);
  }
}

export function addLeaderOption(command: Command): Command {
  // 8 s: a crashed leader is taken over within the lease plus one follower poll (< 10 s).
  return command.addOption(
    option('--leader-ttl-ms <ms>', "the coordinator's leader lease: how soon a dead leader is taken over").default(
      '8000',
    ),
  );
}

export function checkLeaderTtl(flags: { leaderTtlMs: string }): number {
  return integer('--leader-ttl-ms', flags.leaderTtlMs, 10);
}

/** The coordinator's retention of finished jobs (docs/operations.md, "Redis at any size"). */
export interface RetentionFlags {
  retentionMaxAgeMs: string;
  retentionMaxCount: string;
  retentionEveryMs: string;
}

export function addRetentionOptions(command: Command): Command {
  return command
    .addOption(
      option('--retention-max-age-ms <ms>', 'finished jobs older than this are deleted').default(
        String(7 * 24 * 3600_000),
      ),
    )
    .addOption(option('--retention-max-count <n>', 'finished jobs kept per tenant, newest kept').default('10000'))
    .addOption(option('--retention-every-ms <ms>', 'how often the leader applies retention').default('60000'));
}

export function checkRetentionFlags(flags: RetentionFlags): { retention: RetentionPolicy; retentionEveryMs: number } {
  return {
    retention: {
      maxAgeMs: integer('--retention-max-age-ms', flags.retentionMaxAgeMs, 1),
      maxCount: integer('--retention-max-count', flags.retentionMaxCount, 1),
    },
    retentionEveryMs: integer('--retention-every-ms', flags.retentionEveryMs, 1),
  };
}
