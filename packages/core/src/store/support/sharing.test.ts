import { describe, expect, it } from 'vitest';
import { sharingOptionsOf } from './sharing.js';

describe('sharingOptionsOf', () => {
  it('keeps the four sharing options that are given, and nothing else', () => {
    const given = { tenantWeights: { a: 3 }, resources: undefined, jobConcurrency: { r: 1 }, path: 'x.db' };
    const picked = sharingOptionsOf(given);
    expect(picked).toEqual({ tenantWeights: { a: 3 }, jobConcurrency: { r: 1 } });
    expect(Object.keys(picked)).toEqual(['tenantWeights', 'jobConcurrency']);
  });
});
