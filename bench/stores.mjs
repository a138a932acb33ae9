// Every store side by side through the command users run: `cadenza dev --store S` with the
// no-op handlers, 10,000 jobs enqueued over HTTP in batches of 1,000, timed from the first
// enqueue until the last job has succeeded (lib/dev-throughput.mjs). Each store runs
// `--runs` times, alternating, on a fresh file (and a flushed redis-server of its own).
// The figures of docs/stores.md come from this script.
//
//   node bench/stores.mjs [--jobs 10000] [--batch 1000] [--runs 3] [--only sqlite,lmdb]
//
// Needs a build first (`npx -y pnpm@12.4.2 build`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startRedis } from '@cadenza/store-redis/testing';
import { devThroughput } from './lib/dev-throughput.mjs';
import { describeMachine, machineLine } from './lib/machine.mjs';
import { killOwnRedisOnExit } from './lib/own-redis.mjs';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
});
const jobs = Number(values.jobs);
const batch = Number(values.batch);
const runs = Number(values.runs);

/** Each store as `--store` names it; `dir` is a fresh folder per run (Redis: a fresh key prefix). */
const STORES = {
  memory: () => 'memory',
  json: (dir) => `json:${join(dir, 'state.json')}`,
  snapshot: (dir) => `snapshot:${join(dir, 'state.bin')}`,
  sqlite: (dir) => `sqlite:${join(dir, 'cadenza.db')}`,
  lmdb: (dir) => `lmdb:${join(dir, 'cadenza.lmdb')}`,
  redis: (_dir, redis) => redis.url,
};
const chosen = values.only?.split(',') ?? Object.keys(STORES);
for (const name of chosen) if (!(name in STORES)) throw new Error(`--only: unknown store ${name}`);

killOwnRedisOnExit();
// Persistence as an operator would run it: an append-only file (fsync every second).
const redisDir = mkdtempSync(join(tmpdir(), 'cadenza-stores-redis-'));
const redis = chosen.includes('redis') ? await startRedis({ appendOnlyDir: redisDir }) : undefined;
const figures = new Map(chosen.map((name) => [name, []]));
let machine = '';
try {
  for (let run = 1; run <= runs; run++) {
    for (const name of chosen) {
      const dir = mkdtempSync(join(tmpdir(), 'cadenza-stores-'));
      try {
        const args = name === 'redis' ? ['--prefix', redis.prefix()] : [];
        const figure = await devThroughput({ store: STORES[name](dir, redis), jobs, batch, args });
        figures.get(name).push(figure);
        console.error(`run ${run} ${name}: ${figure.endToEndPerSecond} jobs/s end to end`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  if (redis !== undefined) machine = machineLine(await describeMachine(redis.client()));
} finally {
  await redis?.stop();
  rmSync(redisDir, { recursive: true, force: true });
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const range = (list) => `${median(list)} (${Math.min(...list)}–${Math.max(...list)})`;
console.log(`\n${jobs} no-op jobs through cadenza dev, batches of ${batch}, ${runs} runs each, median (min–max)`);
if (machine !== '') console.log(machine);
console.log('\n| store | enqueue, jobs/s | enqueue to done, jobs/s |\n| --- | --- | --- |');
for (const [name, list] of figures) {
  console.log(
    `| ${name} | ${range(list.map((f) => f.enqueuePerSecond))} | ${range(list.map((f) => f.endToEndPerSecond))} |`,
  );
}
