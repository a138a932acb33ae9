// Jobs per second through one `cadenza dev` process on the store `--store` names: no-op jobs
// enqueued over HTTP in batches, timed from the first enqueue until the last has succeeded.
// Shared by dev-sqlite.mjs (one store) and stores.mjs (every store side by side).
import { join } from 'node:path';
import { startDev } from './cadenza-dev.mjs';

const HANDLERS = join(import.meta.dirname, '..', 'noop-handlers.mjs');

/**
 * Runs `jobs` no-op jobs through `cadenza dev --store <store>` and resolves to
 * `{ enqueuePerSecond, endToEndPerSecond, seconds }`. The process is stopped (SIGTERM) after.
 */
export async function devThroughput({ store, jobs, batch, args = [] }) {
  const dev = await startDev(['--store', store, '--handlers', HANDLERS, '--log-level', 'warn', ...args]);
  try {
    const api = async (path, init) => {
      const response = await fetch(dev.url + path, { headers: { 'content-type': 'application/json' }, ...init });
      if (!response.ok)
        throw new Error(`${init?.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    const succeeded = async () =>
      (await api('/v1/cluster')).queues.reduce((sum, queue) => sum + (queue.counts.succeeded ?? 0), 0);

    const started = performance.now();
    for (let sent = 0; sent < jobs; sent += batch) {
      const part = Array.from({ length: Math.min(batch, jobs - sent) }, () => ({ name: 'noop' }));
      await api('/v1/jobs/batch', { method: 'POST', body: JSON.stringify({ jobs: part }) });
    }
    const enqueued = performance.now();
    // Polled: the figure is the time until the last job has succeeded, as a user would watch it.
    while ((await succeeded()) < jobs) await new Promise((resolve) => setTimeout(resolve, 20));
    const finished = performance.now();
    const seconds = (finished - started) / 1000;
    return {
      enqueuePerSecond: Math.round(jobs / ((enqueued - started) / 1000)),
      endToEndPerSecond: Math.round(jobs / seconds),
      seconds,
    };
  } finally {
    await dev.stop();
  }
}
