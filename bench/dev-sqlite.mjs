// Jobs per second through `cadenza dev` on SQLite: 10,000 no-op jobs enqueued over HTTP in
// batches of 1,000, timed from the first enqueue until the last job has succeeded.
//
//   node bench/dev-sqlite.mjs [--jobs 10000] [--batch 1000] [--store sqlite:PATH]
//
// Needs a build first (`npx -y pnpm@12.4.2 build`). To profile the server:
// CADENZA_BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (lib/cadenza-dev.mjs).
// Every store side by side: stores.mjs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { devThroughput } from './lib/dev-throughput.mjs';

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

try {
  const { enqueuePerSecond, endToEndPerSecond, seconds } = await devThroughput({ store, jobs: total, batch });
  console.log(`store            ${store.replace(dir, '$TMP')}`);
  console.log(`jobs             ${total} in batches of ${batch}`);
  console.log(`enqueue          ${enqueuePerSecond} jobs/s`);
  console.log(`enqueue to done  ${seconds.toFixed(2)} s = ${endToEndPerSecond} jobs/s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
