// Jobs per second through `cadenza dev` on SQLite: 10,000 no-op jobs enqueued over HTTP in
// batches of 1,000, timed from the first enqueue until the last job has succeeded.
//
//   node bench/dev-sqlite.mjs [--jobs 10000] [--batch 1000] [--store sqlite:PATH]
//
// Needs a build first (`npx -y pnpm@12.4.2 build`).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

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
const root = join(import.meta.dirname, '..');

const child = spawn(
  process.execPath,
  [
    // e.g. CADENZA_BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server
    ...(process.env.CADENZA_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
    join(root, 'packages/cli/dist/bin.js'),
    'dev',
    '--port',
    '0',
    '--store',
    store,
    '--handlers',
    join(import.meta.dirname, 'noop-handlers.mjs'),
    '--log-level',
    'warn',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);

const url = await new Promise((resolve, reject) => {
  let buffered = '';
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    const match = buffered.match(/listening on (http:\/\/\S+)/);
    if (match) resolve(match[1]);
  });
  child.once('exit', (code) => reject(new Error(`cadenza dev exited with ${code} before listening`)));
});

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

child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
rmSync(dir, { recursive: true, force: true });
