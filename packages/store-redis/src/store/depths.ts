import { JOB_STATUSES, type JobStatus, type QueueDepth } from '@cadenza/core';
import { execAll, type RedisContext } from '../context.js';
import { tenantsKey } from '../keys.js';

/**
 * Counts from each tenant's `n` hash ("<status>/<priority>" → count, kept by every move in
 * lua/includes/jobs.lua), so nothing is scanned: one SMEMBERS, then one pipelined HGETALL
 * per tenant. Zero counts are left out; sorted as core's memory store sorts them.
 */
export async function depths(ctx: RedisContext): Promise<QueueDepth[]> {
  const tenants = await ctx.redis.smembers(tenantsKey(ctx.prefix));
  if (tenants.length === 0) return [];
  const pipeline = ctx.pipeline();
  for (const tenant of tenants) pipeline.hgetall(ctx.keysOf(tenant).counts);
  const replies = (await execAll(pipeline)) as Record<string, string>[];
  const out: QueueDepth[] = [];
  tenants.forEach((tenant, k) => {
    for (const [field, value] of Object.entries(replies[k] ?? {})) {
      const match = /^([a-z]+)\/(\d)$/.exec(field);
      const count = Number(value);
      if (match === null || !(count > 0)) continue;
      const status = match[1] as JobStatus;
      if (!JOB_STATUSES.includes(status)) continue;
      out.push({ tenant, priority: Number(match[2]), status, count });
    }
  });
  return out.sort(
    (a, b) =>
      (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0) ||
      b.priority - a.priority ||
      JOB_STATUSES.indexOf(a.status) - JOB_STATUSES.indexOf(b.status),
  );
}
