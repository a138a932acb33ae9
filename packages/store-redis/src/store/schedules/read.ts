import { notFound, type Schedule } from '@cadenza/core';
import type { RedisContext } from '../../context.js';
import { decodeSchedule } from './row.js';

/** A schedule's stored row, '' when there is none (what the write scripts compare against). */
export async function readRow(ctx: RedisContext, tenant: string, id: string): Promise<string> {
  return (await ctx.redis.hget(ctx.keysOf(tenant).schedules, id)) ?? '';
}

export async function getSchedule(ctx: RedisContext, tenant: string, id: string): Promise<Schedule | undefined> {
  const raw = await readRow(ctx, tenant, id);
  return raw === '' ? undefined : decodeSchedule(tenant, id, raw);
}

/** The row of a schedule that must exist, decoded, with the raw row for a compare-and-set. */
export async function existingSchedule(
  ctx: RedisContext,
  tenant: string,
  id: string,
): Promise<{ raw: string; schedule: Schedule }> {
  const raw = await readRow(ctx, tenant, id);
  if (raw === '') throw notFound(`schedule ${JSON.stringify(id)} of tenant ${JSON.stringify(tenant)}`);
  return { raw, schedule: decodeSchedule(tenant, id, raw) };
}
