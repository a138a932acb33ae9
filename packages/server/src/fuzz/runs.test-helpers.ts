/**
 * How many cases each fuzz property runs. The regular suite runs 2,000 per route, which keeps
 * all of them well under a minute; `CADENZA_FUZZ_RUNS=200000 npx vitest run src/fuzz` (or
 * `pnpm fuzz` at the root) runs many more. A failure prints fast-check's seed and path,
 * which `CADENZA_FUZZ_SEED` replays.
 */
const DEFAULT_RUNS = 2000;

function positiveInteger(name: string, fallback: number | undefined): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name}: expected an integer, got ${JSON.stringify(raw)}`);
  return value;
}

export const FUZZ_RUNS = positiveInteger('CADENZA_FUZZ_RUNS', DEFAULT_RUNS) ?? DEFAULT_RUNS;
const SEED = positiveInteger('CADENZA_FUZZ_SEED', undefined);

/** fast-check's parameters for one property. */
export function fuzzParameters(): { numRuns: number; seed?: number } {
  return SEED === undefined ? { numRuns: FUZZ_RUNS } : { numRuns: FUZZ_RUNS, seed: SEED };
}

/** A vitest timeout that grows with the number of runs: about 10 ms a case, at least 60 s. */
export function fuzzTimeout(): number {
  return Math.max(60_000, FUZZ_RUNS * 10);
}
