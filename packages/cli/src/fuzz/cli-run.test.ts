/**
 * The real `cadenza` command line, run in this process on a memory store with fuzzed flags:
 * `enqueue` (payload, tenant, priority, delay, idempotency key, attempts, stray arguments)
 * and `jobs`. Every run must exit 0 or 2; never 1 from an exception nobody caught. A fifth
 * of CADENZA_FUZZ_RUNS cases each (400 by default); `pnpm fuzz` at the root runs more.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyValue } from './inputs.test-helpers.js';
import { runCli } from './run-cli.test-helpers.js';
import { FUZZ_RUNS, fuzzParameters, fuzzTimeout } from './runs.test-helpers.js';

const RUNS = Math.ceil(FUZZ_RUNS / 5);

/** `--flag value` pairs, each flag at most once, some values plausible. */
function flagPairs(flags: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string[]> {
  const withValues = Object.fromEntries(
    Object.entries(flags).map(([flag, plausible]) => [flag, fc.oneof(plausible, anyValue)]),
  );
  return fc
    .record(withValues, { requiredKeys: [] })
    .map((chosen) => Object.entries(chosen).flatMap(([flag, value]) => (value === undefined ? [] : [flag, value])));
}

const stray = fc.array(fc.constantFrom('--', '--unknown', '-x', '--priority', '--payload', 'extra', '-h', '--help=x'), {
  maxLength: 2,
});

function expectCleanExit(result: Awaited<ReturnType<typeof runCli>>, args: readonly string[]): void {
  const shown = JSON.stringify(args).slice(0, 300);
  if ('crash' in result) {
    const error = result.crash;
    throw new Error(`cadenza ${shown} threw ${error instanceof Error ? error.stack : String(error)}`);
  }
  expect([0, 2], `cadenza ${shown} exited ${result.status}`).toContain(result.status);
}

describe('fuzzing the cadenza command line in-process', () => {
  it('enqueue NAME with any --payload, --tenant, --priority, --delay, --idempotency-key, --max-attempts', {
    timeout: fuzzTimeout(),
  }, async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom('email.send', 'report'), anyValue),
        flagPairs({
          '--payload': fc.json({ maxDepth: 3 }),
          '--tenant': fc.constantFrom('acme', 'default'),
          '--priority': fc.integer({ min: -1, max: 10 }).map(String),
          '--delay': fc.integer({ min: -1, max: 1e9 }).map(String),
          '--idempotency-key': fc.constantFrom('k1', 'k2'),
          '--max-attempts': fc.integer({ min: 0, max: 5 }).map(String),
        }),
        stray,
        async (name, flags, extra) => {
          const args = ['enqueue', '--store', 'memory', ...flags, ...extra, '--', name];
          const result = await runCli(args);
          expectCleanExit(result, args);
          if ('status' in result) statuses.add(result.status);
        },
      ),
      fuzzParameters(RUNS),
    );
    // The generator reaches both outcomes: jobs enqueued, and flags refused (a short run,
    // CADENZA_FUZZ_RUNS below 1,000, may miss one by chance).
    if (FUZZ_RUNS >= 1000) expect([...statuses].sort()).toEqual([0, 2]);
  });

  it('jobs with any --status, --tenant, --name, --tag and --limit', { timeout: fuzzTimeout() }, async () => {
    await fc.assert(
      fc.asyncProperty(
        flagPairs({
          '--status': fc.constantFrom('waiting', 'failed', 'done'),
          '--tenant': fc.constantFrom('acme', 'default'),
          '--name': fc.constantFrom('email.send'),
          '--tag': fc.constantFrom('seed'),
          '--limit': fc.integer({ min: 0, max: 1001 }).map(String),
        }),
        stray,
        async (flags, extra) => {
          const args = ['jobs', '--store', 'memory', ...flags, ...extra];
          expectCleanExit(await runCli(args), args);
        },
      ),
      fuzzParameters(RUNS),
    );
  });
});
