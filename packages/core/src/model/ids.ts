import { randomBytes } from 'node:crypto';

/**
 * Generated job ids embed their tenant (`tenant:xxxxxxxx`), so that a store can find a
 * job's tenant, and with it the tenant's keys, from the id alone. The rest is a
 * millisecond time prefix (sortable) and 64 random bits (unique without coordination).
 */
export function newJobId(tenant: string, now: number): string {
  return `${tenant}:${now.toString(36).padStart(9, '0')}${random64()}`;
}

/** The tenant a generated job id embeds, or undefined for an id of another shape. */
export function tenantOfJobId(id: string): string | undefined {
  const colon = id.indexOf(':');
  return colon > 0 ? id.slice(0, colon) : undefined;
}

/** A random token for a job's lease; it changes at every claim. */
export function newLeaseToken(): string {
  return random64();
}

// Ids and tokens are made for every job, so random bits are drawn from the system in 4 KiB
// pools rather than one call (and one buffer) per id: the per-call cost showed up in
// profiles of bulk enqueues.
const POOL_BYTES = 4096;
let pool = randomBytes(POOL_BYTES);
let offset = 0;

/** 64 fresh random bits as 16 hex digits. */
function random64(): string {
  if (offset + 8 > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + 8);
  offset += 8;
  return hex;
}
