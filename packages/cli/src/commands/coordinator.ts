import { Coordinator } from '@cadenza/coordinator';
import type { Command } from 'commander';
import {
  addLeaderOption,
  addRetentionOptions,
  checkLeaderTtl,
  checkRetentionFlags,
  type RetentionFlags,
} from '../engine-flags.js';
import { markOneRequired } from '../help.js';
import { coordinatorInfo } from '../node-info.js';
import { addProcessOptions, checkProcessFlags, type ProcessFlags } from '../process-flags.js';
import { recordCoordinator } from '../record-metrics.js';
import { runProcess } from '../run-process.js';
import { addMinIntervalOption, checkScheduleFlags, type ScheduleFlags } from '../schedule-flags.js';
import {
  addLockRedisOption,
  addRedisOptions,
  checkLockRedis,
  REDIS_CHOICES,
  requireRedis,
  type StoreFlags,
} from '../store-flags.js';

interface CoordinatorFlags extends ProcessFlags, StoreFlags, ScheduleFlags, RetentionFlags {
  leaderTtlMs: string;
  lockRedis?: string[];
}

/**
 * `cadenza coordinator`: fires schedules, releases delayed and dependent jobs, takes back
 * lost ones. Many may run; one leads at a time, the others wait to take over. With
 * `--lock-redis`, leading also needs the Redlock on a majority of those instances.
 */
export function registerCoordinator(program: Command): void {
  const command = program.command('coordinator').description("fires schedules and recovers jobs for a cluster's Redis");
  markOneRequired(addRedisOptions(command), ...REDIS_CHOICES);
  addLockRedisOption(command);
  addLeaderOption(command);
  addMinIntervalOption(command);
  addRetentionOptions(command);
  addProcessOptions(command, undefined).action(async (flags: CoordinatorFlags) => {
    await runCoordinator(flags);
  });
}

async function runCoordinator(flags: CoordinatorFlags): Promise<void> {
  const choice = { ...requireRedis(flags), ...checkLockRedis(flags.lockRedis, flags) };
  const settings = checkProcessFlags(flags);
  const leaseTtlMs = checkLeaderTtl(flags);
  const { minIntervalMs } = checkScheduleFlags(flags);
  const retention = checkRetentionFlags(flags);

  await runProcess('coordinator', settings, choice, async ({ store, log, id, metrics }) => {
    const coordinator = new Coordinator({ store, id, log, leaseTtlMs, minIntervalMs, ...retention });
    recordCoordinator(coordinator, store, metrics);
    await coordinator.start();
    return {
      node: coordinatorInfo(coordinator),
      routes: 'health',
      leading: () => coordinator.isLeader,
      stop: () => coordinator.stop(),
    };
  });
}
