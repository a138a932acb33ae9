import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreConformance } from '@cadenza/core/testing';
import { afterAll } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';

// A real file per store, in one temporary directory removed at the end.
const dir = mkdtempSync(join(tmpdir(), 'cadenza-sqlite-conformance-'));
let files = 0;

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

runStoreConformance('sqlite', {
  keepsLeaderTicks: true,
  create: async (options) => {
    files += 1;
    return createSqliteStore({
      path: join(dir, `store-${files}.db`),
      tenantWeights: options?.tenantWeights,
      tenantLimits: options?.tenantLimits,
      resources: options?.resources,
      jobConcurrency: options?.jobConcurrency,
    });
  },
});
