/**
 * Key names. Every key of a tenant carries the hash tag `{t:<tenant>}`, so that each
 * script touches one slot and the layout runs on Redis Cluster; cross-tenant indexes
 * have no tag and are touched by separate commands (they may lag; see README.md).
 */
export const PRIORITY_BANDS = 10;

export interface TenantKeys {
  /** Stream of ready jobs, one per priority band 0..9 (index = priority). */
  streams: readonly string[];
  /** hash: job id → `<priority>/<entry id>` while the job's entry is in a stream. */
  where: string;
  /** hash: idempotency key → job id. */
  idempotency: string;
  /** hash: priority → waiting count; field `tok` counts lease tokens. */
  counts: string;
  /** hash: job id → active lease. */
  active: string;
  /** zset: job id by lease deadline. */
  leases: string;
  /** hash: job id → finished record (JSON). */
  finished: string;
  /** zset: finished job ids by finishedAt. */
  finishedByTime: string;
}

export function tenantKeys(prefix: string, tenant: string): TenantKeys {
  const base = `${prefix}:{t:${tenant}}:`;
  const streams: string[] = [];
  for (let priority = 0; priority < PRIORITY_BANDS; priority++) streams.push(`${base}s:${priority}`);
  return {
    streams,
    where: `${base}w`,
    idempotency: `${base}k`,
    counts: `${base}n`,
    active: `${base}a`,
    leases: `${base}l`,
    finished: `${base}f`,
    finishedByTime: `${base}fz`,
  };
}

/** Cross-tenant index: set of tenants that may have waiting jobs in a band. */
export function readyTenantsKey(prefix: string, priority: number): string {
  return `${prefix}:ready:${priority}`;
}

/** The stream key of one band, checked, for the scripts that take one stream. */
export function streamKey(keys: TenantKeys, priority: number): string {
  const key = keys.streams[priority];
  if (key === undefined) throw new RangeError(`priority ${priority} is not a band (0..${PRIORITY_BANDS - 1})`);
  return key;
}

/**
 * Inside a tenant's keys a job is named by its id without the `<tenant>:` head that every
 * id carries: the tenant is in the key already, and the shorter name (in the stream entry
 * and the `w` field) keeps a waiting job under the memory budget (16+ bytes saved per job
 * by jemalloc size classes).
 */
export function localId(tenant: string, id: string): string {
  return id.startsWith(`${tenant}:`) ? id.slice(tenant.length + 1) : id;
}

export function globalId(tenant: string, local: string): string {
  return `${tenant}:${local}`;
}
