// Chaos and soak (test/chaos/README.md): seeded runs of real coordinators and workers on a real
// redis-server under kills, freezes, partitions, latency, Redis restarts and skewed
// coordinator clocks, checked for the invariants in checks/. In the suite: one 90-second
// run of a fixed seed, and each regression seed it does not cover for a short time. `pnpm chaos` (cli.mjs)
// runs one seed (CHAOS_SEED, CHAOS_SECONDS) and nothing else. See README.md.
import { describe, expect, it } from 'vitest';
import { REGRESSIONS } from './regressions.js';
import { runChaos } from './runner.js';

// Seed 7 is a regression seed (regressions.ts): a plan is drawn in time order, so its 90 s
// plan begins with the regression's shorter one, and the suite's run covers it.
const CI_SEED = 7;
const CI_SECONDS = 90;
const given = process.env.CHAOS_SEED;
const topology = { coordinators: 2, workers: 3 };

async function check(seed: number, seconds: number): Promise<void> {
  const result = await runChaos({ seed, seconds, ...topology }).catch((error: unknown) => {
    throw new Error(`chaos seed ${seed} could not run (re-run: pnpm chaos --seed ${seed}): ${String(error)}`, {
      cause: error,
    });
  });
  process.stdout.write(`\n${result.summary}\n\n`);
  expect(result.failed, `chaos seed ${seed} failed (re-run: pnpm chaos --seed ${seed}):\n${result.summary}`).toBe(
    false,
  );
}

const budget = (seconds: number) => seconds * 1000 + 300_000;

if (given !== undefined && given !== '') {
  const seed = Number(given);
  const seconds = Number(process.env.CHAOS_SECONDS ?? 600);
  describe('chaos', () => {
    it(`seed ${seed} for ${seconds} s`, () => check(seed, seconds), budget(seconds));
  });
} else {
  describe('chaos', () => {
    const covered = REGRESSIONS.filter((r) => r.seed === CI_SEED && r.seconds <= CI_SECONDS);
    const also = covered.map((r) => ` (regression: ${r.found})`).join('');
    it(`seed ${CI_SEED} for ${CI_SECONDS} s${also}`, () => check(CI_SEED, CI_SECONDS), budget(CI_SECONDS));
    for (const r of REGRESSIONS.filter((r) => !covered.includes(r))) {
      it(
        `regression: seed ${r.seed} for ${r.seconds} s (${r.found})`,
        () => check(r.seed, r.seconds),
        budget(r.seconds),
      );
    }
  });
}
