// One cadenza worker process for the harness (protocol: bench/lib/worker-child.mjs): a Worker
// on createRedisStore, and with `coordinator` a Coordinator in the same process, which is what
// promotes delayed jobs and fires schedules (BullMQ's Worker does both itself). Like every
// `cadenza` process, it tells the cluster's event log what it does (BullMQ's events are on
// by default too).
import { Coordinator } from '@cadenza/coordinator';
import { withEvents } from '@cadenza/core';
import { createRedisStore } from '@cadenza/store-redis';
import { Worker } from '@cadenza/worker';
import { serveWorker } from '../lib/worker-child.mjs';

await serveWorker(async (config, handle) => {
  const redisStore = createRedisStore({ url: config.url, prefix: config.prefix });
  const store = withEvents(redisStore, redisStore.eventLog());
  await store.getJob('default:warm-up');
  const id = `bench-${process.pid}`;
  const worker = new Worker({
    store,
    id,
    concurrency: config.concurrency,
    // Lateness is measured from the payload's `t` (enqueue or due time), else the fire time.
    handlers: { job: (job) => handle(job.payload?.t ?? job.scheduledFor, job.tenant) },
  });
  const coordinator = config.coordinator ? new Coordinator({ store, id }) : undefined;
  return {
    async start() {
      await coordinator?.start();
      await worker.start();
    },
    async stop() {
      await worker.stop();
      await coordinator?.stop();
      await store.close();
    },
  };
});
