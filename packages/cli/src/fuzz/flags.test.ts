/**
 * Fuzzing of the CLI's flag parsers with arbitrary and hostile strings: each must return
 * settings or throw a UsageError, never another exception. 2,000 cases per parser; run more
 * with `CADENZA_FUZZ_RUNS=100000 npx vitest run src/fuzz` from packages/cli, or
 * `pnpm fuzz` at the root.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { checkLeaderTtl, checkTenants, checkWorkerFlags } from '../engine-flags.js';
import { integer } from '../errors.js';
import { checkHttpFlags } from '../http-flags.js';
import { checkProcessFlags } from '../process-flags.js';
import { checkScheduleFlags } from '../schedule-flags.js';
import { checkLockRedis, chooseStore, requireRedis } from '../store-flags.js';
import { parseStoreUrl } from '../store-url.js';
import { checkTenantFlags } from '../tenant-flags.js';
import { TokensFile } from '../tokens-file.js';
import { anyValue, maybeValue } from './inputs.test-helpers.js';
import { fuzzParameters, fuzzTimeout } from './runs.test-helpers.js';
import { expectSettingsOrUsageError } from './usage.test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'cadenza-cli-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options = { timeout: fuzzTimeout() };

describe('fuzzing the CLI flag parsers', () => {
  it('integer(): any value and range', options, () => {
    fc.assert(
      fc.property(anyValue, fc.integer({ min: -10, max: 10 }), (value, min) => {
        expectSettingsOrUsageError(() => integer('--n', value, min));
      }),
      fuzzParameters(),
    );
  });

  it('checkProcessFlags: --port, --host, --id, --log-level, --report-every-ms, --metrics-token', options, () => {
    fc.assert(
      fc.property(
        fc.record({ port: maybeValue, host: anyValue, id: maybeValue, logLevel: anyValue, reportEveryMs: anyValue }),
        maybeValue,
        (flags, metricsToken) => {
          expectSettingsOrUsageError(() =>
            checkProcessFlags(metricsToken === undefined ? flags : { ...flags, metricsToken }),
          );
        },
      ),
      fuzzParameters(),
    );
  });

  it('checkHttpFlags: --max-payload-bytes, --max-event-clients, --host, --insecure, --rate-limit', options, () => {
    fc.assert(
      fc.property(
        fc.record({
          maxPayloadBytes: anyValue,
          maxEventClients: anyValue,
          rateLimit: anyValue,
          host: fc.oneof(fc.constantFrom('127.0.0.1', '::1', 'localhost', '0.0.0.0'), anyValue),
          insecure: fc.boolean(),
        }),
        (flags) => {
          expectSettingsOrUsageError(() => checkHttpFlags(flags));
        },
      ),
      fuzzParameters(),
    );
  });

  it('--tokens-file: any file contents', options, () => {
    const path = join(dir, 'tokens.json');
    const entry = fc.record(
      {
        name: anyValue,
        sha256: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), anyValue),
        tenants: fc.oneof(fc.constant('*'), fc.array(anyValue, { maxLength: 3 }), anyValue),
        scopes: fc.oneof(fc.array(fc.constantFrom('read', 'write', 'admin', 'root'), { maxLength: 3 }), anyValue),
      },
      { requiredKeys: [] },
    );
    const contents = fc.oneof(
      fc.array(entry, { maxLength: 3 }).map((tokens) => JSON.stringify({ tokens })),
      anyValue,
    );
    fc.assert(
      fc.property(contents, (text) => {
        writeFileSync(path, text);
        expectSettingsOrUsageError(() => new TokensFile(path));
      }),
      fuzzParameters(),
    );
  });

  it('checkScheduleFlags, checkWorkerFlags, checkLeaderTtl and --tenants', options, () => {
    fc.assert(
      fc.property(
        fc.record({ minIntervalMs: anyValue, maxSchedulesPerTenant: maybeValue }),
        fc.record({
          concurrency: anyValue,
          leaseMs: anyValue,
          shutdownTimeoutMs: anyValue,
          cpuThreads: maybeValue,
          cpuMemoryMb: anyValue,
          maxMemoryMb: maybeValue,
        }),
        anyValue,
        maybeValue,
        ({ minIntervalMs, maxSchedulesPerTenant }, worker, leaderTtlMs, tenants) => {
          expectSettingsOrUsageError(() =>
            checkScheduleFlags(
              maxSchedulesPerTenant === undefined ? { minIntervalMs } : { minIntervalMs, maxSchedulesPerTenant },
            ),
          );
          expectSettingsOrUsageError(() => checkWorkerFlags(withoutUndefined(worker) as typeof worker));
          expectSettingsOrUsageError(() => checkLeaderTtl({ leaderTtlMs }));
          expectSettingsOrUsageError(() => checkTenants(tenants));
        },
      ),
      fuzzParameters(),
    );
  });

  it('checkTenantFlags: --tenant-weights, --tenant-limits, --resources, --job-concurrency', options, () => {
    const json = fc.oneof(
      anyValue,
      fc.json({ maxDepth: 4 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ acme: v })),
    );
    fc.assert(
      fc.property(
        fc.record(
          { tenantWeights: json, tenantLimits: json, resources: json, jobConcurrency: json },
          { requiredKeys: [] },
        ),
        (flags) => {
          expectSettingsOrUsageError(() => checkTenantFlags(flags));
        },
      ),
      fuzzParameters(),
    );
  });

  it(
    '--store, --redis, --redis-cluster, --redis-sentinel(-name), --durable-writes, --prefix and --lock-redis',
    options,
    () => {
      fc.assert(
        fc.property(
          fc.record(
            {
              store: anyValue,
              redis: anyValue,
              redisCluster: anyValue,
              redisSentinel: anyValue,
              redisSentinelName: anyValue,
              durableWrites: anyValue,
              prefix: anyValue,
            },
            { requiredKeys: [] },
          ),
          fc.option(fc.array(anyValue, { maxLength: 3 }), { nil: undefined }),
          (flags, lockUrls) => {
            expectSettingsOrUsageError(() => chooseStore(flags));
            expectSettingsOrUsageError(() => requireRedis(flags));
            expectSettingsOrUsageError(() => parseStoreUrl(flags.store ?? ''));
            expectSettingsOrUsageError(() => checkLockRedis(lockUrls));
          },
        ),
        fuzzParameters(),
      );
    },
  );
});

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
