import type { Command } from 'commander';
import { markOneRequired } from '../help.js';
import { addHttpOptions, checkHttpFlags, type HttpFlags } from '../http-flags.js';
import { addProcessOptions, checkProcessFlags, type ProcessFlags } from '../process-flags.js';
import { runProcess } from '../run-process.js';
import { addScheduleOptions, checkScheduleFlags, type ScheduleFlags } from '../schedule-flags.js';
import { addRedisOptions, REDIS_CHOICES, requireRedis, type StoreFlags } from '../store-flags.js';

/** `cadenza server`: the HTTP API of a cluster; it keeps no state, so any number may run. */
export function registerServer(program: Command): void {
  const command = program.command('server').description("the HTTP API for a cluster's Redis");
  markOneRequired(addRedisOptions(command), ...REDIS_CHOICES);
  addScheduleOptions(addHttpOptions(addProcessOptions(command, '8080'))).action(
    async (flags: ProcessFlags & StoreFlags & HttpFlags & ScheduleFlags) => {
      const choice = requireRedis(flags);
      const settings = checkProcessFlags(flags);
      const http = checkHttpFlags(flags);
      const schedules = checkScheduleFlags(flags);
      const limits = { ...http.limits, ...schedules };
      // Workers and coordinators in other processes hear of new work from the store itself.
      await runProcess('server', settings, choice, async () => ({
        node: {},
        routes: 'all',
        http: { ...http, limits },
        stop: async () => {},
      }));
    },
  );
}
