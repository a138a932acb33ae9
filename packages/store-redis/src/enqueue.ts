import { CadenzaError, type EnqueueResult, type NewJob, tenantOfJobId } from '@cadenza/core';
import { encodeOptions, encodePayload } from './codec.js';
import { execAll, groupBy, type RedisContext } from './context.js';
import { getJob } from './get-job.js';
import { globalId, localId, readyTenantsKey } from './keys.js';

/**
 * Adds ready jobs: one `enqueue` script per tenant (its keys share one slot), all the
 * tenants' scripts and the band-index updates pipelined in one round trip.
 *
 * The band index (`<prefix>:ready:<priority>`) is written after the script, in the same
 * pipeline: a claimer that empties a band removes the tenant and then re-checks the
 * count (see claim.ts), so the index never hides a waiting job for longer than a repair.
 *
 * Not yet: delayed (`runAt` in the future) and blocked (`dependsOn`) jobs are refused.
 * A batch across tenants is atomic per tenant only (each tenant's script checks before
 * writing); cross-tenant all-or-nothing needs a pre-check round trip (next session).
 */
export async function enqueueJobs(ctx: RedisContext, jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]> {
  for (const job of jobs) {
    if (tenantOfJobId(job.id) !== job.tenant) {
      throw new CadenzaError(
        'invalid_argument',
        `job id ${JSON.stringify(job.id)} must start with its tenant and a colon (${job.tenant}:…)`,
      );
    }
    if ((job.runAt !== undefined && job.runAt > now) || job.dependsOn.length > 0) {
      throw new CadenzaError(
        'invalid_argument',
        `store-redis does not take delayed or dependent jobs yet (job ${job.id}: runAt ${job.runAt}, dependsOn [${job.dependsOn.join(', ')}])`,
      );
    }
  }
  const byTenant = groupBy(jobs, (job) => job.tenant);
  const pipeline = ctx.redis.pipeline();
  const bands = new Set<string>();
  for (const [tenant, group] of byTenant) {
    const keys = ctx.keysOf(tenant);
    const args: (string | number)[] = [now];
    for (const { item: job } of group) {
      args.push(
        localId(tenant, job.id),
        job.priority,
        job.idempotencyKey ?? '',
        job.name,
        encodePayload(job.payload),
        encodeOptions(job),
      );
      bands.add(`${job.priority}\n${tenant}`);
    }
    ctx.scripts.call(
      pipeline,
      'enqueue',
      [keys.where, keys.idempotency, keys.counts, keys.finished, ...keys.streams],
      args,
    );
  }
  for (const band of bands) {
    const [priority = '', tenant = ''] = band.split('\n');
    pipeline.sadd(readyTenantsKey(ctx.prefix, Number(priority)), tenant);
  }
  const replies = await execAllMapped(pipeline, jobs);
  const results: EnqueueResult[] = new Array(jobs.length);
  let reply = 0;
  for (const [tenant, group] of byTenant) {
    const flat = replies[reply++] as (number | string)[];
    group.forEach(({ index }, j) => {
      const created = flat[j * 2] === 1;
      results[index] = { id: globalId(tenant, String(flat[j * 2 + 1])), status: 'waiting', created };
    });
  }
  // A matched idempotency key reports the kept job's status (rare: one read per match).
  for (const result of results) {
    if (!result.created) result.status = (await getJob(ctx, result.id))?.status ?? result.status;
  }
  return results;
}

async function execAllMapped(
  pipeline: ReturnType<RedisContext['redis']['pipeline']>,
  jobs: readonly NewJob[],
): Promise<unknown[]> {
  try {
    return await execAll(pipeline);
  } catch (error) {
    const message = (error as Error).message;
    const conflict = /conflict (\S+)/.exec(message);
    if (conflict) {
      // The script names the id inside its tenant (see localId); give the caller the full id.
      const taken = jobs.find((job) => localId(job.tenant, job.id) === conflict[1])?.id ?? conflict[1];
      throw new CadenzaError('conflict', `job id ${taken} is taken already`);
    }
    throw error;
  }
}
