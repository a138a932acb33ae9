// Jobs per second through `cadenza dev` on SQLite: 10,000 no-op jobs enqueued over HTTP in
// batches of 1,000, timed from the first enqueue until the last job has succeeded.
//
//   node bench/dev-sqlite.mjs [--jobs 10000] [--batch 1000] [--store sqlite:PATH]
//
// Needs a build first (`npx -y pnpm@12.4.2 build`). To profile the server:
// CADENZA_BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (lib/cadenza-dev.mjs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDev } from './lib/cadenza-dev.mjs';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '1000' },
    store: { type: 'string' },
  },
});
const total = Number(values.jobs);
const batch = Number(values.batch);
const dir = mkdtempSync(join(tmpdir(), 'cadenza-bench-'));
const store = values.store ?? `sqlite:${join(dir, 'bench.db')}`;

const dev = await startDev([
  '--store',
  store,
  '--handlers',
  join(import.meta.dirname, 'noop-handlers.mjs'),
  '--log-level',
  'warn',
]);
const url = dev.url;

async function api(path, init) {
  const response = await fetch(url + path, { headers: { 'content-type': 'application/json' }, ...init });
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function succeeded() {
  const cluster = await api('/v1/cluster');
  return cluster.queues.reduce((sum, queue) => sum + (queue.counts.succeeded ?? 0), 0);
}

const started = performance.now();
for (let sent = 0; sent < total; sent += batch) {
  const jobs = Array.from({ length: Math.min(batch, total - sent) }, () => ({ name: 'noop' }));
  await api('/v1/jobs/batch', { method: 'POST', body: JSON.stringify({ jobs }) });
}
const enqueued = performance.now();
let done = 0;
while (done < total) {
  done = await succeeded();
  if (done < total) await new Promise((resolve) => setTimeout(resolve, 20));
}
const finished = performance.now();

const seconds = (finished - started) / 1000;
console.log(`store            ${store.replace(dir, '$TMP')}`);
console.log(`jobs             ${total} in batches of ${batch}`);
console.log(`enqueue          ${Math.round(total / ((enqueued - started) / 1000))} jobs/s`);
console.log(`enqueue to done  ${seconds.toFixed(2)} s = ${Math.round(total / seconds)} jobs/s`);

await dev.stop();
rmSync(dir, { recursive: true, force: true });
