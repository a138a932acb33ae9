// BullMQ as the harness drives it: one Queue named `bench` under the run's key prefix,
// defaults everywhere (completed jobs are kept, as cadenza keeps finished jobs until its
// retention runs), workers in bench/systems/bullmq-worker.mjs processes.
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { spawnWorkers } from '../lib/workers.mjs';

export const QUEUE = 'bench';

export function connection(url) {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port || 6379) };
}

export const bullmq = {
  name: 'BullMQ',
  workerScript: fileURLToPath(new URL('./bullmq-worker.mjs', import.meta.url)),
  spawnWorkers: (count, config) => spawnWorkers(bullmq, count, config),
  /** The queue's delayed jobs (a zset), for figure 4's promotion. */
  delayedKey: (prefix) => `${prefix}:${QUEUE}:delayed`,
  async open(url, prefix) {
    const queue = new Queue(QUEUE, { connection: connection(url), prefix });
    await queue.waitUntilReady();
    const options = (job) => (job.runAt === undefined ? undefined : { delay: Math.max(0, job.runAt - Date.now()) });
    return {
      enqueueBatch: (jobs) =>
        queue.addBulk(jobs.map((job) => ({ name: 'job', data: job.payload, opts: options(job) }))),
      enqueue: (job) => queue.add('job', job.payload, options(job)),
      async everySecond(id) {
        const at = Date.now();
        await queue.upsertJobScheduler(id, { every: 1000 }, { name: 'job', data: {} });
        return at;
      },
      close: () => queue.close(),
    };
  },
};
