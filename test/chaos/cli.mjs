#!/usr/bin/env node
// `pnpm chaos [--seed N] [--minutes M]`: one chaos run of seed N (random when not given)
// for M minutes of faults (default 10), through vitest on chaos.test.ts. The seed is
// printed first, and again in the summary and in any failure. Build first (`pnpm chaos`
// does). CHAOS_KEEP=1 keeps the run's logs even when it passes.
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { seed: { type: 'string' }, minutes: { type: 'string', default: '10' } },
  allowPositionals: false,
});
const seed = values.seed === undefined ? randomInt(1, 2 ** 31 - 1) : Number(values.seed);
const minutes = Number(values.minutes);
if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed: expected a whole number, got ${values.seed}`);
if (!(minutes > 0)) throw new Error(`--minutes: expected a number above 0, got ${values.minutes}`);
const seconds = Math.round(minutes * 60);
process.stdout.write(
  `chaos: seed ${seed}, ${seconds} s of faults (re-run: pnpm chaos --seed ${seed} --minutes ${minutes})\n`,
);

const testDir = join(import.meta.dirname, '..');
// vitest's own bin script, wherever the workspace installed it.
const bin = join(dirname(createRequire(join(testDir, 'package.json')).resolve('vitest/package.json')), 'vitest.mjs');
const vitest = spawn(process.execPath, [bin, 'run', 'chaos/chaos.test.ts'], {
  cwd: testDir,
  stdio: 'inherit',
  env: { ...process.env, CHAOS_SEED: String(seed), CHAOS_SECONDS: String(seconds) },
});
vitest.on('exit', (code, signal) => {
  process.stdout.write(`chaos: seed ${seed} ${code === 0 ? 'passed' : 'FAILED'}\n`);
  process.exit(code ?? (signal === null ? 1 : 128));
});
