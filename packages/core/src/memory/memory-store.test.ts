import { describe, expect, it } from 'vitest';
import { runStoreConformance } from '../testing/index.js';
import { createMemoryStore } from './memory-store.js';

runStoreConformance('memory', {
  create: async (options) => createMemoryStore(options),
});

describe('memory store', () => {
  it('refuses a tenant weight that is not a positive number', () => {
    expect(() => createMemoryStore({ tenantWeights: { acme: 0 } })).toThrow(/tenantWeights\.acme/);
    expect(() => createMemoryStore({ tenantWeights: { acme: Number.NaN } })).toThrow(/positive/);
  });
});
