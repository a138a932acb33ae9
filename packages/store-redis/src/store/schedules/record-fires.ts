import {
  type Fence,
  type FireResult,
  invalidArgument,
  type NewJob,
  type ScheduleFire,
  tenantOfJobId,
} from '@cadenza/core';
import { checkFires, checkInstant } from '@cadenza/core/store-kit';
import { type Band, band } from '../../band.js';
import { encodeOptions, encodePayload } from '../../codec.js';
import { execAll, groupBy, type RedisContext } from '../../context.js';
import { globalId, localId } from '../../keys.js';
import { recordFiresAnswer } from '../answers.js';
import { checkFence } from '../fence.js';
import { runTenantScripts } from '../tenant-scripts.js';

/**
 * Fenced: the leader check and the lookup of every job id (core's checkFires wants to
 * know which are taken) share one round trip; then one record-fires script per tenant,
 * all pipelined, each applying its fires in order (the compare-and-set on nextFireAt is
 * in the script). A taken id found only by the script (a race) is refused there before it
 * writes; other tenants' scripts in the pipeline may have applied by then.
 */
export async function recordFires(
  ctx: RedisContext,
  fence: Fence,
  fires: readonly ScheduleFire[],
  now: number,
): Promise<FireResult[]> {
  checkInstant('now', now);
  checkFires(fires, () => false);
  const jobs = fires.flatMap((fire, i) => fire.jobs.map((job, j) => ({ job, field: `fires.${i}.jobs.${j}.id` })));
  for (const { job, field } of jobs) {
    if (tenantOfJobId(job.id) !== job.tenant) {
      throw invalidArgument(field, job.id, `a job id of tenant ${job.tenant} (${job.tenant}:…)`);
    }
  }
  const lookup = takenIds(
    ctx,
    jobs.map((j) => j.job),
  );
  const [taken] = await Promise.all([lookup, checkFence(ctx, fence)]);
  checkFires(fires, (id) => taken.has(id));
  if (fires.length === 0) return [];

  const readyHint = new Set<Band>();
  const groups = [...groupBy(fires, (fire) => fire.tenant)];
  const calls = groups.map(([tenant, group]) => {
    const args: (string | number)[] = [fence.epoch, now];
    for (const { item: fire } of group) {
      args.push(fire.scheduleId, fire.expectedNextFireAt, fire.nextFireAt ?? '', fire.jobs.length);
      for (const job of fire.jobs) {
        args.push(
          localId(tenant, job.id),
          job.priority,
          job.name,
          encodePayload(job.payload),
          encodeOptions(job),
          job.runAt ?? '',
          job.scheduledFor ?? '',
        );
        if (job.runAt === undefined || job.runAt <= now) readyHint.add(band(job.priority, tenant));
      }
    }
    return { tenant, script: 'record-fires', args };
  });
  const answers = await runTenantScripts(ctx, calls, { epoch: fence.epoch, readyHint, durable: true });

  const results: FireResult[] = fires.map(() => ({ applied: false, jobIds: [] }));
  groups.forEach(([tenant, group], k) => {
    const answer = recordFiresAnswer(answers[k], group.length);
    group.forEach(({ index }, j) => {
      const { applied = false, locals = [] } = answer[j] ?? {};
      results[index] = { applied, jobIds: locals.map((local) => globalId(tenant, local)) };
    });
  });
  return results;
}

/** Which of these job ids name a job kept already (waiting ones are in `w`, the rest in `j`). */
async function takenIds(ctx: RedisContext, jobs: readonly NewJob[]): Promise<Set<string>> {
  if (jobs.length === 0) return new Set();
  const pipeline = ctx.pipeline();
  for (const { id, tenant } of jobs) {
    const keys = ctx.keysOf(tenant);
    const local = localId(tenant, id);
    pipeline.hexists(keys.jobs, local);
    pipeline.hexists(keys.where, local);
  }
  const replies = await execAll(pipeline);
  const taken = jobs.filter((_, i) => Number(replies[2 * i]) === 1 || Number(replies[2 * i + 1]) === 1);
  return new Set(taken.map((job) => job.id));
}
