import { describe, expect, it } from 'vitest';
import { newJobId, newLeaseToken, tenantOfJobId } from './ids.js';

describe('generated ids', () => {
  it('embed the tenant and a sortable time prefix', () => {
    const id = newJobId('acme-eu', Date.UTC(2026, 0, 1));
    expect(tenantOfJobId(id)).toBe('acme-eu');
    expect(id).toMatch(/^acme-eu:[0-9a-z]{9}[0-9a-f]{16}$/);
    expect(newJobId('t', 1) < newJobId('t', 2)).toBe(true);
  });

  it('do not repeat across many pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) seen.add(newLeaseToken());
    expect(seen.size).toBe(5_000);
  });

  it('an id of another shape has no tenant', () => {
    expect(tenantOfJobId('plain')).toBeUndefined();
  });
});
