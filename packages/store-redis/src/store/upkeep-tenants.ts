import type { Fence } from '@cadenza/core';
import type { RedisContext } from '../context.js';
import { type TenantKeys, tenantsKey } from '../keys.js';
import { checkFence } from './fence.js';
import { runPipeline } from './store-errors.js';

/*
 * What the coordinator's upkeep methods share: the fence check and the walk over every
 * tenant (`P:tenants`), and picking the earliest due entries across tenants.
 */

/**
 * Checks the fence and lists every tenant. Both requests are sent together (ioredis
 * writes each at once), so this costs one round trip; no write happens before it resolves.
 */
export async function fencedTenants(ctx: RedisContext, fence: Fence): Promise<string[]> {
  const [, tenants] = await Promise.all([checkFence(ctx, fence), allTenants(ctx)]);
  return tenants;
}

export async function allTenants(ctx: RedisContext): Promise<string[]> {
  return ctx.redis.smembers(tenantsKey(ctx.prefix));
}

/** A due entry of a per-tenant zset (delayed jobs by runAt, leases by expiry). */
interface DueEntry {
  tenant: string;
  local: string;
  at: number;
}

/**
 * The `limit` earliest entries with a score at or before `now` among every tenant's zset
 * `keyOf(keys)`, earliest first, grouped by tenant (each group keeps that order). One
 * pipelined ZRANGEBYSCORE … LIMIT per tenant: no tenant can contribute more than `limit`.
 */
export async function earliestDue(
  ctx: RedisContext,
  tenants: readonly string[],
  keyOf: (keys: TenantKeys) => string,
  now: number,
  limit: number,
): Promise<{ order: DueEntry[]; byTenant: Map<string, string[]> }> {
  const byTenant = new Map<string, string[]>();
  if (tenants.length === 0 || limit === 0) return { order: [], byTenant };
  const pipeline = ctx.pipeline();
  for (const tenant of tenants) {
    pipeline.zrangebyscore(keyOf(ctx.keysOf(tenant)), '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit);
  }
  const replies = (await runPipeline(pipeline)) as string[][];
  const entries: DueEntry[] = [];
  replies.forEach((reply, i) => {
    const tenant = tenants[i] ?? '';
    for (let k = 0; k + 1 < reply.length; k += 2)
      entries.push({ tenant, local: reply[k] ?? '', at: Number(reply[k + 1]) });
  });
  entries.sort((a, b) => a.at - b.at || compare(a.tenant, b.tenant) || compare(a.local, b.local));
  const order = entries.slice(0, limit);
  for (const entry of order) {
    const ids = byTenant.get(entry.tenant);
    if (ids === undefined) byTenant.set(entry.tenant, [entry.local]);
    else ids.push(entry.local);
  }
  return { order, byTenant };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
