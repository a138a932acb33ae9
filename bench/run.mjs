// cadenza and BullMQ side by side on one redis-server, in one run (issue 5). Every scenario
// runs each system in turn (cadenza run 1, BullMQ run 1, cadenza run 2, …) so that both see
// the same machine at nearly the same moment; each figure is the median of the runs, with
// min–max. How to read the table: bench/README.md.
//
//   pnpm bench                                      every figure, 3 runs, writes BENCHMARKS.md
//   node bench/run.mjs --only throughput --runs 1   one scenario, quickly (nothing written)
//
// Options: --only a,b (scenarios: enqueue throughput latency delayed cron fairness scaleout),
// --runs N (default 3), --scale F (multiplies job counts; default 1), --systems cadenza,bullmq,
// --write (write BENCHMARKS.md even with --only), --json FILE (every run's raw metrics).
// Needs a build first (`pnpm bench` does one). Starts its own redis-server on a free port;
// with CADENZA_TEST_REDIS=redis://… it uses that one and never flushes it.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startRedis } from '@cadenza/store-redis/testing';
import { derive } from './lib/figures.mjs';
import { describeMachine, machineLine } from './lib/machine.mjs';
import { exclude, portOf } from './lib/round-trips.mjs';
import { summarize } from './lib/stats.mjs';
import { buildRows, renderMarkdown, renderText } from './lib/table.mjs';
import cron from './scenarios/cron.mjs';
import delayed from './scenarios/delayed.mjs';
import enqueue from './scenarios/enqueue.mjs';
import fairness from './scenarios/fairness.mjs';
import latency from './scenarios/latency.mjs';
import scaleout from './scenarios/scaleout.mjs';
import throughput from './scenarios/throughput.mjs';
import { bullmq } from './systems/bullmq.mjs';
import { cadenza } from './systems/cadenza.mjs';

const SCENARIOS = [enqueue, throughput, latency, delayed, cron, fairness, scaleout];
const SYSTEMS = { cadenza, bullmq };

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string', default: '3' },
    scale: { type: 'string', default: '1' },
    systems: { type: 'string', default: 'cadenza,bullmq' },
    write: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const runs = Number(values.runs);
const scale = Number(values.scale);
const only = values.only?.split(',').map((s) => s.trim());
for (const id of only ?? []) {
  if (!SCENARIOS.some((s) => s.id === id)) {
    throw new Error(
      `--only: unknown scenario ${JSON.stringify(id)}; expected ${SCENARIOS.map((s) => s.id).join(', ')}`,
    );
  }
}
const systems = values.systems.split(',').map((name) => {
  const system = SYSTEMS[name.trim().toLowerCase()];
  if (system === undefined) throw new Error(`--systems: unknown ${JSON.stringify(name)}; expected cadenza, bullmq`);
  return system;
});
const scenarios = SCENARIOS.filter((s) => only === undefined || only.includes(s.id));
const full = only === undefined && runs >= 3 && scale === 1 && systems.length === 2;

const startedAt = performance.now();
const server = await startRedis();
const external = Boolean(process.env.CADENZA_TEST_REDIS);
const admin = server.client();
exclude(admin);
const machine = await describeMachine(admin);
console.log(`machine: ${machineLine(machine)}`);
console.log(`runs: ${runs}, scale: ${scale}, scenarios: ${scenarios.map((s) => s.id).join(' ')}\n`);

let prefixes = 0;
const ctx = {
  url: server.url,
  port: portOf(server.url),
  admin,
  scale,
  // A fresh key prefix per system and run, so that nothing one left behind is seen by another.
  prefix: () => `bench${process.pid}x${++prefixes}`,
  // Between runs: an empty Redis, so that memory and key counts start from the same place.
  flush: async () => {
    if (!external) await admin.flushall();
  },
};

/** raw[system][metric] = [value of run 1, run 2, …] */
const raw = {};
try {
  for (const scenario of scenarios) {
    for (let run = 1; run <= runs; run++) {
      for (const system of systems) {
        if (scenario.systems && !scenario.systems.includes(system.name.toLowerCase())) continue;
        await ctx.flush();
        const began = performance.now();
        const metrics = await scenario.run(ctx, system);
        const seconds = ((performance.now() - began) / 1000).toFixed(1);
        console.log(`${scenario.id} run ${run} ${system.name} (${seconds} s): ${brief(metrics)}`);
        raw[system.name] ??= {};
        const own = raw[system.name];
        for (const [key, value] of Object.entries(metrics)) {
          own[key] ??= [];
          own[key].push(value);
        }
      }
    }
  }
} finally {
  await server.stop();
}

const summaries = {};
for (const [name, metrics] of Object.entries(raw)) {
  summaries[name] = {};
  for (const [key, list] of Object.entries(metrics)) {
    const summary = summarize(list);
    if (summary !== undefined) summaries[name][key] = summary;
  }
  derive(summaries[name]);
}
const rows = buildRows(summaries);
const wallSeconds = (performance.now() - startedAt) / 1000;
const command = `node bench/run.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
console.log(`\n${renderText(rows)}\n`);
console.log(`wall time ${wallSeconds.toFixed(0)} s (${command})`);

if (values.json) writeFileSync(values.json, `${JSON.stringify({ machine, runs, scale, raw, summaries }, null, 1)}\n`);
if (full || values.write) {
  writeBenchmarks(rows);
  console.log('BENCHMARKS.md updated');
}

function brief(metrics) {
  return Object.entries(metrics)
    .map(([key, value]) => `${key}=${Number.isInteger(value) ? value : value.toFixed(value < 10 ? 2 : 0)}`)
    .join(' ');
}

/**
 * Replaces the generated part of BENCHMARKS.md (between the markers) and keeps the rest,
 * so that the notes written by hand about what limits each figure survive a re-run.
 */
function writeBenchmarks(rows) {
  const path = new URL('../BENCHMARKS.md', import.meta.url);
  const begin = '<!-- bench:begin (written by bench/run.mjs; edit outside these markers) -->';
  const end = '<!-- bench:end -->';
  const generated = [
    begin,
    '',
    `Machine: ${machineLine(machine)}.`,
    '',
    `Command: \`${full ? 'npx -y pnpm@12.4.2 bench' : command}\` — ${runs} run(s) per figure, scale ${scale}, ` +
      `wall time ${Math.round(wallSeconds)} s. Cells are median (min–max); ratio is cadenza ÷ BullMQ.`,
    '',
    renderMarkdown(rows),
    '',
    end,
  ].join('\n');
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = `# Benchmarks\n\ncadenza and BullMQ on the same redis-server in the same run (bench/README.md says how to read this).\n\n${begin}\n${end}\n`;
  }
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  text =
    from === -1 || to === -1
      ? `${text}\n${generated}\n`
      : text.slice(0, from) + generated + text.slice(to + end.length);
  writeFileSync(path, text);
}
