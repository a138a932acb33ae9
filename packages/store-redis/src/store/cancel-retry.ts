import { checkCancelable, type Job, type JobStatus, notFound, retryVerdict, tenantOfJobId } from '@cadenza/core';
import type { RedisContext } from '../context.js';
import { globalId, localId } from '../keys.js';
import { decodeRecord } from './record.js';
import { runTenantScripts } from './tenant-scripts.js';

/**
 * cancel and retry: one script each (lua/cancel.lua, lua/retry.lua), which decide with the
 * job's state in hand and answer what they found when they refuse; the refusal itself is
 * core's (checkCancelable, retryVerdict), so that every store words it alike.
 */
export async function cancelJob(ctx: RedisContext, id: string, now: number): Promise<Job> {
  const { tenant, local, answer } = await runOnJob(ctx, 'cancel', id, now);
  const job = decodeRecord(tenant, local, String(answer[1]));
  if (answer[0] === 'final') checkCancelable(job);
  return job;
}

export async function retryJob(ctx: RedisContext, id: string, now: number): Promise<Job> {
  const { tenant, local, answer } = await runOnJob(ctx, 'retry', id, now);
  const job = decodeRecord(tenant, local, String(answer[1]));
  if (answer[0] === 'refused') {
    const parent = answer[2] === undefined ? undefined : globalId(tenant, String(answer[2]));
    const status = answer[3] as JobStatus | undefined;
    retryVerdict(job, (parentId) => (parentId === parent ? status : undefined));
  }
  return job;
}

async function runOnJob(
  ctx: RedisContext,
  script: string,
  id: string,
  now: number,
): Promise<{ tenant: string; local: string; answer: unknown[] }> {
  const tenant = typeof id === 'string' ? tenantOfJobId(id) : undefined;
  if (tenant === undefined) throw notFound(`job ${JSON.stringify(id)}`);
  const local = localId(tenant, id);
  const [answer = []] = await runTenantScripts(ctx, [{ tenant, script, args: [now, local] }]);
  if (answer[0] === 'none') throw notFound(`job ${JSON.stringify(id)}`);
  return { tenant, local, answer };
}
