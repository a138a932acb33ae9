// One BullMQ worker process for the harness (protocol: bench/lib/worker-child.mjs). BullMQ's
// Worker also moves delayed jobs and creates the next job of a job scheduler.
import { Worker } from 'bullmq';
import { serveWorker } from '../lib/worker-child.mjs';
import { connection, QUEUE } from './bullmq.mjs';

await serveWorker(async (config, handle) => {
  const worker = new Worker(
    QUEUE,
    // Lateness is measured from the payload's `t`, else the scheduler's fire time, which BullMQ
    // 6.7 names the job by (`repeat:<scheduler id>:<fire time ms>`).
    (job) => handle(job.data?.t ?? Number(job.id.slice(job.id.lastIndexOf(':') + 1))),
    {
      connection: { ...connection(config.url), maxRetriesPerRequest: null },
      prefix: config.prefix,
      concurrency: config.concurrency,
      autorun: false,
    },
  );
  worker.on('error', (error) => console.error('bullmq worker:', error));
  await worker.waitUntilReady();
  return {
    start() {
      worker.run().catch((error) => console.error('bullmq worker run:', error));
    },
    stop: () => worker.close(),
  };
});
