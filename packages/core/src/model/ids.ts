import { randomBytes } from 'node:crypto';

/**
 * Generated job ids embed their tenant (`tenant:xxxxxxxx`), so that a store can find a
 * job's tenant, and with it the tenant's keys, from the id alone. The rest is a
 * millisecond time prefix (sortable) and 64 random bits (unique without coordination).
 */
export function newJobId(tenant: string, now: number): string {
  return `${tenant}:${now.toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}

/** The tenant a generated job id embeds, or undefined for an id of another shape. */
export function tenantOfJobId(id: string): string | undefined {
  const colon = id.indexOf(':');
  return colon > 0 ? id.slice(0, colon) : undefined;
}

/** A random token for a job's lease; it changes at every claim. */
export function newLeaseToken(): string {
  return randomBytes(8).toString('hex');
}
