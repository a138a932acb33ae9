import type { Schedule, SchedulePage, ScheduleQuery } from '@cadenza/core';
import { checkCount, checkInstant, checkText, decodeCursor, encodeCursor } from '@cadenza/core/store-kit';
import { execAll, type RedisContext } from '../../context.js';
import { tenantsKey } from '../../keys.js';
import { decodeSchedule } from './row.js';

/** Tenants whose schedule ids are read per round trip while filling a page. */
const TENANTS_PER_ROUND = 64;

/**
 * By tenant, then id (code-unit order, as the memory store). A hash has no order, so each
 * tenant's ids are sorted here; tenants are walked from `P:tenants` in order, a batch per
 * round trip, until the page (plus one, to know whether there is more) is full.
 */
export async function listSchedules(ctx: RedisContext, query: ScheduleQuery): Promise<SchedulePage> {
  const limit = checkCount('limit', query.limit, 1);
  if (query.tenant !== undefined) checkText('tenant', query.tenant);
  let after: [string, string] | undefined;
  if (query.cursor !== undefined) {
    const [tenant, id] = decodeCursor(query.cursor, 'ss');
    after = [String(tenant), String(id)];
  }
  const tenants = (query.tenant === undefined ? await ctx.redis.smembers(tenantsKey(ctx.prefix)) : [query.tenant])
    .filter((tenant) => after === undefined || tenant >= after[0])
    .sort(byCodeUnits);

  const picked: [string, string][] = [];
  for (let start = 0; start < tenants.length && picked.length <= limit; start += TENANTS_PER_ROUND) {
    const batch = tenants.slice(start, start + TENANTS_PER_ROUND);
    const pipeline = ctx.pipeline();
    for (const tenant of batch) pipeline.hkeys(ctx.keysOf(tenant).schedules);
    const replies = (await execAll(pipeline)) as string[][];
    batch.forEach((tenant, i) => {
      const ids = (replies[i] ?? []).filter((id) => after === undefined || tenant > after[0] || id > after[1]);
      for (const id of ids.sort(byCodeUnits)) picked.push([tenant, id]);
    });
  }
  const page = picked.slice(0, limit + 1);
  const schedules = await readSchedules(ctx, page);
  const more = schedules.length > limit;
  const shown = schedules.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    schedules: shown,
    nextCursor: more && last !== undefined ? encodeCursor([last.tenant, last.id]) : undefined,
  };
}

/**
 * Unpaused schedules with `nextFireAt <= now`, earliest first (ties by tenant, then id):
 * each tenant's earliest `limit` from its `hz` index, pipelined over `P:tenants`, merged.
 */
export async function dueSchedules(ctx: RedisContext, now: number, limit: number): Promise<Schedule[]> {
  checkInstant('now', now);
  checkCount('limit', limit, 0);
  if (limit === 0) return [];
  const tenants = await ctx.redis.smembers(tenantsKey(ctx.prefix));
  if (tenants.length === 0) return [];
  const pipeline = ctx.pipeline();
  for (const tenant of tenants) {
    pipeline.zrangebyscore(ctx.keysOf(tenant).schedulesDue, '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit);
  }
  const replies = (await execAll(pipeline)) as string[][];
  const due: { tenant: string; id: string; at: number }[] = [];
  tenants.forEach((tenant, i) => {
    const reply = replies[i] ?? [];
    for (let k = 0; k + 1 < reply.length; k += 2) due.push({ tenant, id: reply[k] ?? '', at: Number(reply[k + 1]) });
  });
  due.sort((a, b) => a.at - b.at || byCodeUnits(a.tenant, b.tenant) || byCodeUnits(a.id, b.id));
  const schedules = await readSchedules(
    ctx,
    due.slice(0, limit).map((d) => [d.tenant, d.id]),
  );
  // The index and the rows are read apart: keep only what is still due.
  return schedules.filter((s) => !s.paused && s.nextFireAt !== undefined && s.nextFireAt <= now);
}

/** Schedules by (tenant, id) in the order asked, in one round trip; those gone meanwhile are left out. */
async function readSchedules(ctx: RedisContext, keys: readonly [string, string][]): Promise<Schedule[]> {
  if (keys.length === 0) return [];
  const pipeline = ctx.pipeline();
  for (const [tenant, id] of keys) pipeline.hget(ctx.keysOf(tenant).schedules, id);
  const rows = (await execAll(pipeline)) as (string | null)[];
  const schedules: Schedule[] = [];
  keys.forEach(([tenant, id], i) => {
    const raw = rows[i];
    if (raw !== null && raw !== undefined) schedules.push(decodeSchedule(tenant, id, raw));
  });
  return schedules;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
