import { type Job, type JobStatus, notFound, tenantOfJobId } from '@cadenza/core';
import { checkCancelable, retryVerdict } from '@cadenza/core/store-kit';
import type { RedisContext } from '../context.js';
import { globalId, localId } from '../keys.js';
import { jobVerdictAnswer } from './answers.js';
import { decodeRecord } from './record.js';
import { runTenantScripts } from './tenant-scripts.js';

/**
 * cancel and retry: one script each (lua/cancel.lua, lua/retry.lua), which decide with the
 * job's state in hand and answer what they found when they refuse; the refusal itself is
 * core's (checkCancelable, retryVerdict), so that every store words it alike.
 */
export async function cancelJob(ctx: RedisContext, id: string, now: number): Promise<Job> {
  const { tenant, local, answer } = await runOnJob(ctx, 'cancel', id, now);
  const job = decodeRecord(tenant, local, answer.record);
  if (answer.verdict === 'final') checkCancelable(job);
  return job;
}

export async function retryJob(ctx: RedisContext, id: string, now: number): Promise<Job> {
  const { tenant, local, answer } = await runOnJob(ctx, 'retry', id, now);
  const job = decodeRecord(tenant, local, answer.record);
  if (answer.verdict === 'refused') {
    const parent = answer.parent === undefined ? undefined : globalId(tenant, answer.parent);
    const status = answer.parentStatus as JobStatus | undefined;
    retryVerdict(job, (parentId) => (parentId === parent ? status : undefined));
  }
  return job;
}

async function runOnJob(
  ctx: RedisContext,
  script: string,
  id: string,
  now: number,
): Promise<{ tenant: string; local: string; answer: ReturnType<typeof jobVerdictAnswer> }> {
  const tenant = typeof id === 'string' ? tenantOfJobId(id) : undefined;
  if (tenant === undefined) throw notFound(`job ${JSON.stringify(id)}`);
  const local = localId(tenant, id);
  const [reply] = await runTenantScripts(ctx, [{ tenant, script, args: [now, local] }]);
  const answer = jobVerdictAnswer(reply);
  if (answer.verdict === 'none') throw notFound(`job ${JSON.stringify(id)}`);
  return { tenant, local, answer };
}
