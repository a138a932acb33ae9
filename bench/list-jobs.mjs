// How long one page of `GET /v1/jobs?limit=50` takes with each filter, through a real
// `cadenza dev`, on a store holding 500,000 jobs in mixed states. Not part of `pnpm bench`:
// filling the store takes minutes (reuse a filled file with --file).
//
//   node bench/list-jobs.mjs [--jobs 500000] [--requests 30] [--file PATH] [--store sqlite|snapshot]
//   node bench/list-jobs.mjs --store redis [--redis URL]
//
// Needs a build first (`npx -y pnpm@12.4.2 build`). Each store kind is one entry of KINDS:
// how to open it for filling, and how to serve it (`cadenza dev`, or for Redis `cadenza
// server` with a `cadenza coordinator` ticking beside it). The jobs are written through the
// Store interface. Redis also reports its SLOWLOG over the timed requests (every command
// over 1 ms; the goal is none over 5 ms), its memory, and the server process's memory
// before and after the requests.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareJobs } from '@cadenza/core';
import { startCadenza, startDev } from './lib/cadenza-dev.mjs';
import { percentile } from './lib/stats.mjs';

const root = join(import.meta.dirname, '..');

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '500000' },
    requests: { type: 'string', default: '30' },
    file: { type: 'string' },
    store: { type: 'string', default: 'sqlite' },
    redis: { type: 'string' },
  },
});
const TOTAL = Number(values.jobs);
const REQUESTS = Number(values.requests);

// ── the store kinds ──────────────────────────────────────────────────────────

/**
 * `open()` gives `{ store, filled, flags, describe, cleanup }`: a Store to fill (closed
 * before `cadenza dev` starts), whether it holds jobs already (a reused file: filling is
 * skipped), the dev flags that serve the same data, a line about it for the report, and
 * what to remove at the end. A kind served otherwise than by `cadenza dev` gives
 * `serve()` instead of `flags` (answering `{ url, pid, stop }`), and may give `watch()`,
 * answering `report()` for what it saw while the pages were timed.
 */
const KINDS = {
  sqlite: {
    async open() {
      // A relative import, so that the bench package needs no dependency on store-sqlite.
      const { createSqliteStore } = await import(join(root, 'packages/store-sqlite/dist/index.js'));
      const file = storeFile('list.db');
      return {
        ...file,
        store: createSqliteStore({ path: file.path }),
        flags: ['--store', `sqlite:${file.path}`],
        describe: () => `sqlite, ${file.mib()} MiB file`,
      };
    },
  },
  // The memory store's listing, in a file store that `cadenza dev` loads whole at start.
  snapshot: {
    async open() {
      const { createFileStore } = await import(join(root, 'packages/store-file/dist/index.js'));
      const file = storeFile('list.snapshot');
      return {
        ...file,
        // Written once, when the filling is done and the store closes.
        store: await createFileStore({ path: file.path, format: 'snapshot', debounceMs: 24 * HOUR }),
        flags: ['--store', `snapshot:${file.path}`],
        describe: () => `snapshot (the memory store), ${file.mib()} MiB file`,
      };
    },
  },
};

/**
 * A cluster's data on Redis (its own redis-server unless `--redis URL`), served by `cadenza
 * server` while a `cadenza coordinator` ticks (promotion, recovery, release, retention,
 * depths) on the same keys.
 */
KINDS.redis = {
  async open() {
    const { createRedisStore } = await import('@cadenza/store-redis');
    const { startRedis } = await import('@cadenza/store-redis/testing');
    const { Redis } = await import('ioredis');
    const harness = values.redis === undefined ? await startRedis() : undefined;
    const url = values.redis ?? harness.url;
    const admin = new Redis(url);
    const prefix = 'listbench';
    const filled = (await admin.exists(`${prefix}:tenants`)) === 1;
    const redisFlags = ['--redis', url, '--prefix', prefix, '--log-level', 'error'];
    let coordinator;
    return {
      filled,
      store: createRedisStore({ url, prefix }),
      async serve() {
        coordinator = await startCadenza('coordinator', redisFlags);
        const server = await startCadenza('server', [...redisFlags, '--port', '0']);
        return {
          url: server.url,
          pid: server.child.pid,
          stop: async () => {
            await server.stop();
            await coordinator.stop();
          },
        };
      },
      async watch() {
        await admin.config('SET', 'slowlog-log-slower-than', '1000');
        await admin.config('SET', 'slowlog-max-len', '100000');
        await admin.slowlog('RESET');
        return {
          async report() {
            // A function call is named by its first argument.
            const slow = (await admin.slowlog('GET', -1)).map(([, , usec, args]) => ({
              usec,
              command: args[0] === 'fcall' || args[0] === 'fcall_ro' ? `${args[0]} ${args[1]}` : args[0],
            }));
            const over5 = slow.filter((entry) => entry.usec > 5000);
            const worst = slow.reduce((a, b) => (b.usec > (a?.usec ?? 0) ? b : a), undefined);
            const memory = /used_memory_human:(\S+)/.exec(await admin.info('memory'))?.[1];
            if (process.env.LIST_BENCH_SLOW === '1') for (const e of over5) console.error(e.usec, e.command);
            return [
              `redis SLOWLOG   ${over5.length} commands over 5 ms, ${slow.length} over 1 ms during the timed requests` +
                (worst === undefined ? '' : ` (slowest: ${worst.command} ${(worst.usec / 1000).toFixed(1)} ms)`),
              `redis memory    ${memory}`,
            ];
          },
        };
      },
      describe: () => `redis (${harness === undefined ? url : 'its own redis-server'}), cadenza server + coordinator`,
      cleanup: async () => {
        admin.disconnect();
        await harness?.stop();
      },
    };
  },
};

/** The resident memory of a process, in MiB (Linux). */
function rssMiB(pid) {
  const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return (kib / 1024).toFixed(0);
}

/** `--file`, or `name` in a new temporary folder that `cleanup` removes. */
function storeFile(name) {
  const dir = values.file === undefined ? mkdtempSync(join(tmpdir(), 'cadenza-list-')) : undefined;
  const path = values.file ?? join(dir, name);
  return {
    path,
    filled: existsSync(path),
    mib: () => (statSync(path).size / 2 ** 20).toFixed(0),
    cleanup: () => dir !== undefined && rmSync(dir, { recursive: true, force: true }),
  };
}

// ── what the store holds ─────────────────────────────────────────────────────

const TENANTS = Array.from({ length: 50 }, (_, i) => `t${String(i).padStart(2, '0')}`);
const NAMES = Array.from({ length: 20 }, (_, i) => `job.n${String(i).padStart(2, '0')}`);
const PAYLOAD = { order: 'x'.repeat(200) };
const ROUND = 10_000;
const HOUR = 3_600_000;

/** A deterministic sequence (a linear congruential generator), so runs fill alike. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Fills `store` with `total` jobs, ROUND at a time, so that every state is spread over the
 * whole list (newest to oldest): per round 10% stay waiting (priority 0, never claimed), 5%
 * delayed by a day, 3% blocked on a delayed parent, 2% active (a lease of an hour), and
 * the rest (priority 5) run: 75% succeed, 19% fail, 6% are canceled. 50 tenants (so that
 * the default retention of 10,000 finished jobs per tenant deletes nothing), 20 names plus
 * one rare name (0.1%), tags `vip` on 30% and `audit` on 1%.
 */
async function fill(store, total) {
  const rnd = random(7);
  const started = performance.now();
  for (let made = 0; made < total; made += ROUND) {
    const now = Date.now();
    const inputs = [];
    /** Per tenant, the index in this batch of its latest delayed job: the parent of a blocked one. */
    const parents = new Map();
    const parentOf = [];
    const count = Math.min(ROUND, total - made);
    for (let i = 0; i < count; i++) {
      const tenant = TENANTS[Math.floor(rnd() * TENANTS.length)];
      const roll = rnd();
      const name = rnd() < 0.001 ? 'rare.report' : NAMES[Math.floor(rnd() * NAMES.length)];
      const tags = [...(rnd() < 0.3 ? ['vip'] : []), ...(rnd() < 0.01 ? ['audit'] : [])];
      const input = { tenant, name, tags, payload: PAYLOAD };
      if (roll < 0.1) inputs.push({ ...input, priority: 0 });
      else if (roll < 0.15) {
        parents.set(tenant, inputs.length);
        inputs.push({ ...input, runAt: new Date(now + 24 * HOUR).toISOString() });
      } else if (roll < 0.18 && parents.has(tenant)) {
        parentOf[inputs.length] = parents.get(tenant);
        inputs.push(input);
      } else inputs.push({ ...input, priority: 5 });
    }
    const jobs = prepareJobs(inputs, now);
    parentOf.forEach((parent, child) => {
      jobs[child].dependsOn = [jobs[parent].id];
    });
    await store.enqueue(jobs, now);

    // Delayed and blocked jobs have priority 5 too, but cannot be claimed.
    const runnable = inputs.filter((input) => input.priority === 5).length;
    for (let claimed = 0; claimed < runnable; ) {
      const limit = Math.min(1000, runnable - claimed);
      const batch = await store.claim({ workerId: 'bench', limit, leaseMs: HOUR, now });
      if (batch.length === 0) break;
      claimed += batch.length;
      const settlements = [];
      for (const job of batch) {
        const roll = rnd();
        if (roll < 0.02) continue; // stays active
        if (roll < 0.75)
          settlements.push({ jobId: job.id, token: job.lease.token, outcome: 'succeeded', result: { ok: true } });
        else if (roll < 0.94) {
          const error = { code: 'handler_error', message: 'it broke' };
          settlements.push({ jobId: job.id, token: job.lease.token, outcome: 'failed', error });
        } else await store.cancel(job.id, now);
      }
      await store.settle(settlements, now);
    }
    if ((made / ROUND) % 10 === 9) {
      const seconds = (performance.now() - started) / 1000;
      process.stderr.write(`filled ${made + count} jobs in ${seconds.toFixed(0)} s\n`);
    }
  }
  return (performance.now() - started) / 1000;
}

// ── the filters timed ────────────────────────────────────────────────────────

const FILTERS = [
  '',
  'include=payload,result',
  'tenant=t07',
  'status=waiting',
  'status=failed',
  'status=active',
  'name=job.n03',
  'tag=vip',
  'tenant=t07&status=failed',
  'tenant=t07&status=waiting',
  'name=job.n03&status=succeeded',
  'tenant=t07&tag=vip',
  'tag=audit',
  'name=rare.report',
  'tenant=t07&name=job.n03',
  'status=active&tag=audit',
  'tenant=t07&name=rare.report',
  'tenant=t07&status=blocked&name=rare.report&tag=audit',
];

async function timePage(url, query) {
  const started = performance.now();
  const response = await fetch(`${url}/v1/jobs?limit=50${query === '' ? '' : `&${query}`}`);
  const body = await response.json();
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`GET /v1/jobs?${query}: ${response.status} ${JSON.stringify(body)}`);
  return { ms, jobs: body.jobs.length, cursor: body.nextCursor, bytes: JSON.stringify(body).length };
}

/** The first page REQUESTS times, and the page after it as many times. */
async function measure(url, query) {
  const first = [];
  const next = [];
  let page;
  for (let i = 0; i < REQUESTS; i++) {
    page = await timePage(url, query);
    first.push(page.ms);
  }
  let nextPage;
  if (page.cursor !== null) {
    const cursor = `cursor=${encodeURIComponent(page.cursor)}`;
    for (let i = 0; i < REQUESTS; i++) {
      nextPage = await timePage(url, query === '' ? cursor : `${query}&${cursor}`);
      next.push(nextPage.ms);
    }
  }
  return { page, nextPage, first, next };
}

// ── the run ──────────────────────────────────────────────────────────────────

const kind = KINDS[values.store];
if (kind === undefined) throw new Error(`--store: expected one of ${Object.keys(KINDS).join(', ')}`);
const opened = await kind.open();
let fillSeconds;
if (opened.filled) process.stderr.write('reusing the jobs already in the store\n');
else fillSeconds = await fill(opened.store, TOTAL);
const depths = await opened.store.depths();
await opened.store.close();

const counts = {};
for (const depth of depths) counts[depth.status] = (counts[depth.status] ?? 0) + depth.count;
const held = Object.values(counts).reduce((a, b) => a + b, 0);

// Claims nothing (the process always uses more than 1 MiB), so that the jobs keep the
// states they were filled with while the pages are timed.
const dev =
  opened.serve === undefined
    ? await startDev([...opened.flags, '--log-level', 'error', '--max-memory-mb', '1'])
    : await opened.serve();
const url = dev.url;
const pid = dev.pid ?? dev.child.pid;
// Warm up: the coordinator's first tick (retention reads every finished job once) and
// SQLite's page cache; not timed.
for (const query of FILTERS) await timePage(url, query);
const rssBefore = rssMiB(pid);
const watching = await opened.watch?.();

const fmt = (ms) => (Number.isFinite(ms) ? ms.toFixed(1) : '-');
const rows = [];
for (const query of FILTERS) {
  const { page, nextPage, first, next } = await measure(url, query);
  rows.push([
    query === '' ? '(none)' : query,
    String(page.jobs),
    page.cursor === null ? 'no' : 'yes',
    fmt(percentile(first, 50)),
    fmt(percentile(first, 95)),
    nextPage === undefined ? '-' : `${nextPage.jobs}`,
    fmt(percentile(next, 50)),
    `${(page.bytes / 1024).toFixed(0)}`,
  ]);
}
// The queue depths across tenants, as `GET /v1/cluster` reads them (depths()).
const cluster = [];
for (let i = 0; i < REQUESTS; i++) {
  const started = performance.now();
  const response = await fetch(`${url}/v1/cluster`);
  await response.json();
  cluster.push(performance.now() - started);
}
const seen = (await watching?.report()) ?? [];
const rssAfter = rssMiB(pid);
await dev.stop();

console.log(`store            ${opened.describe()}`);
console.log(
  `jobs             ${held} (${Object.entries(counts)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ')})`,
);
if (fillSeconds !== undefined) console.log(`filled in        ${fillSeconds.toFixed(0)} s`);
console.log(`requests         ${REQUESTS} per page, one at a time, after a warm-up; times in ms (client side)`);
console.log(`process memory   ${rssBefore} MiB before the timed requests, ${rssAfter} MiB after (resident)`);
console.log(
  `GET /v1/cluster  p50 ${fmt(percentile(cluster, 50))} ms, p95 ${fmt(percentile(cluster, 95))} ms (queue depths)`,
);
for (const line of seen) console.log(line);
console.log('');
const head = ['GET /v1/jobs?limit=50&…', 'jobs', 'cursor', 'p50', 'p95', 'next page jobs', 'next p50', 'KiB'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(head));
for (const row of rows) console.log(line(row));
await opened.cleanup();
