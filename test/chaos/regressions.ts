/**
 * Seeds that once failed a chaos run, each run for a short time in the suite. Add one as
 * `{ seed, seconds, found }`: the seed `pnpm chaos` printed, enough seconds to reach the
 * fault that broke it (the fault log in the kept folder says when), and what it found.
 */
export interface Regression {
  seed: number;
  seconds: number;
  found: string;
}

export const REGRESSIONS: readonly Regression[] = [];
