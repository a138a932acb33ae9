// cadenza as the harness drives it: enqueue through the public client (@cadenza/client, on
// @cadenza/store-redis); run jobs in the real `cadenza worker` command (and `cadenza
// coordinator` where delayed jobs or schedules need one), as users run them
// (lib/cadenza-processes.mjs). Jobs are named `noop`, the job bench/noop-handlers.mjs and
// lib/recording-handlers.mjs handle.
import { createClient } from '@cadenza/client';
import { spawnCadenzaWorkers } from '../lib/cadenza-processes.mjs';

export const cadenza = {
  name: 'cadenza',
  spawnWorkers: spawnCadenzaWorkers,
  /** The delayed jobs of the default tenant (store-redis's keys.ts: `delayed`), for figure 4's promotion. */
  delayedKey: (prefix) => `${prefix}:{t:default}:d`,
  async open(url, prefix) {
    const client = createClient({ url, prefix });
    // Connects (and fails here, not inside a timed phase, if Redis is not there).
    await client.getJob('default:warm-up');
    const input = (job) => ({
      name: 'noop',
      payload: job.payload,
      ...(job.tenant === undefined ? {} : { tenant: job.tenant }),
      ...(job.runAt === undefined ? {} : { runAt: new Date(job.runAt) }),
    });
    return {
      enqueueBatch: (jobs) => client.enqueueBatch(jobs.map(input)),
      enqueue: (job) => client.enqueue(input(job)),
      /** An every-second schedule; answers when it was created. */
      async everySecond(id) {
        const at = Date.now();
        await client.upsertSchedule(id, { name: 'noop', every: 1000 });
        return at;
      },
      close: () => client.close(),
    };
  },
};
