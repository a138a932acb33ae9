/**
 * How many cases each CLI fuzz property runs: 2,000 by default, `CADENZA_FUZZ_RUNS` for more
 * (`pnpm fuzz` at the root); `CADENZA_FUZZ_SEED` replays a failure's seed.
 */
const DEFAULT_RUNS = 2000;

function integerFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name}: expected an integer, got ${JSON.stringify(raw)}`);
  return value;
}

export const FUZZ_RUNS = integerFromEnv('CADENZA_FUZZ_RUNS') ?? DEFAULT_RUNS;
const SEED = integerFromEnv('CADENZA_FUZZ_SEED');

/** fast-check's parameters: `runs` (default FUZZ_RUNS), and the seed when one is given. */
export function fuzzParameters(runs = FUZZ_RUNS): { numRuns: number; seed?: number } {
  return SEED === undefined ? { numRuns: runs } : { numRuns: runs, seed: SEED };
}

/** A vitest timeout that grows with the number of runs: about 10 ms a case, at least 60 s. */
export function fuzzTimeout(): number {
  return Math.max(60_000, FUZZ_RUNS * 10);
}
