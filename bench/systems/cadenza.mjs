// cadenza as the harness drives it: enqueue through the public client (@cadenza/client, on
// @cadenza/store-redis), run jobs in bench/systems/cadenza-worker.mjs processes (Worker, and
// a Coordinator where delayed jobs or schedules need one).
import { fileURLToPath } from 'node:url';
import { createClient } from '@cadenza/client';

export const cadenza = {
  name: 'cadenza',
  workerScript: fileURLToPath(new URL('./cadenza-worker.mjs', import.meta.url)),
  async open(url, prefix) {
    const client = createClient({ url, prefix });
    // Connects (and fails here, not inside a timed phase, if Redis is not there).
    await client.getJob('default:warm-up');
    const input = (job) => ({
      name: 'job',
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
        await client.upsertSchedule(id, { name: 'job', every: 1000 });
        return at;
      },
      close: () => client.close(),
    };
  },
};
