import {
  type ActivityMinute,
  type ActivityQuery,
  activityFrame,
  type JobError,
  type PastAttempt,
  tenantOfJobId,
} from '@cadenza/core';
import { checkActivityQuery, MINUTE_MS } from '@cadenza/core/store-kit';
import { execAll, type RedisContext } from '../context.js';
import { localId, tenantsKey } from '../keys.js';

/**
 * Jobs ended per minute (Store.activity), from each tenant's ring of minute slots (`m`,
 * written by lua/includes/jobs.lua once per script call): the tenants asked for, or every
 * tenant of the registry (one SMEMBERS), then one HGETALL per tenant, pipelined (split by
 * primary on a cluster). A slot holding another minute than one in the window is not read.
 */
export async function activity(ctx: RedisContext, query: ActivityQuery): Promise<ActivityMinute[]> {
  const checked = checkActivityQuery(query);
  const frame = activityFrame(checked);
  const tenants =
    checked.tenants === undefined ? await ctx.redis.smembers(tenantsKey(ctx.prefix)) : [...checked.tenants];
  if (tenants.length === 0) return frame.minutes;
  const pipeline = ctx.pipeline();
  for (const tenant of tenants) pipeline.hgetall(ctx.keysOf(tenant).activity);
  const replies = (await execAll(pipeline)) as Record<string, string>[];
  for (const slots of replies) {
    for (const value of Object.values(slots ?? {})) {
      const match = /^(\d+) (\d+) (\d+) (\d+)$/.exec(value);
      if (match === null) continue;
      frame.add(Number(match[1]) * MINUTE_MS, Number(match[2]), Number(match[3]), Number(match[4]));
    }
  }
  return frame.minutes;
}

/** Past attempts as jobs.lua keeps them: `[attempt, startedAt, endedAt, worker, error JSON]`, strings. */
type StoredAttempt = [string, string, string, string, string];

/** A job's past attempts (Store.pastAttempts): one HGET of its tenant's `pa` hash. */
export async function pastAttempts(ctx: RedisContext, id: string): Promise<PastAttempt[]> {
  const tenant = typeof id === 'string' ? tenantOfJobId(id) : undefined;
  if (tenant === undefined) return [];
  const raw = await ctx.redis.hget(ctx.keysOf(tenant).pastAttempts, localId(tenant, id));
  if (raw === null) return [];
  return (JSON.parse(raw) as StoredAttempt[]).map(([attempt, started, ended, worker, error]) => ({
    attempt: Number(attempt),
    startedAt: started === '' ? undefined : Number(started),
    endedAt: Number(ended),
    workerId: worker === '' ? undefined : worker,
    error: JSON.parse(error) as JobError,
  }));
}
