/**
 * Regression test for what the fuzzer found: `--tenant-weights` (or `--tenant-limits`,
 * `--resources`, `--job-concurrency`) given 10,000 nested arrays made `cadenza` exit 1 with
 * "Maximum call stack size exceeded" (JSON.stringify of the value in the usage message).
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { checkTenantFlags } from '../tenant-flags.js';

const DEEP = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;

describe('tenant flags given 10,000 nested arrays', () => {
  for (const flag of ['tenantWeights', 'tenantLimits', 'resources', 'jobConcurrency'] as const) {
    it(`refuses ${flag} with a usage error`, () => {
      expect(() => checkTenantFlags({ [flag]: DEEP })).toThrow(UsageError);
      expect(() => checkTenantFlags({ [flag]: DEEP })).toThrow(
        /: got \[an array nested too deeply to show\], expected an object/,
      );
    });
  }
});
