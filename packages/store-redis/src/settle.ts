import { CadenzaError, type LeaseState, type Settlement, tenantOfJobId } from '@cadenza/core';
import { encodePayload } from './codec.js';
import { execAll, groupBy, type RedisContext } from './context.js';
import { localId } from './keys.js';

/**
 * Ends attempts: one `settle` script per tenant, pipelined in one round trip. A stale
 * token (or a job the store does not hold active) answers `lost` and changes nothing.
 *
 * Not yet: `failed` and `released` are refused (next session: retry to delayed, release
 * without spending the attempt).
 */
export async function settleJobs(
  ctx: RedisContext,
  settlements: readonly Settlement[],
  now: number,
): Promise<LeaseState[]> {
  for (const settlement of settlements) {
    if (settlement.outcome !== 'succeeded') {
      throw new CadenzaError(
        'invalid_argument',
        `store-redis settles only outcome 'succeeded' so far (job ${settlement.jobId}: '${settlement.outcome}')`,
      );
    }
  }
  const states: LeaseState[] = settlements.map(() => 'lost');
  const byTenant = groupBy(settlements, (settlement) => tenantOfJobId(settlement.jobId) ?? '');
  byTenant.delete('');
  if (byTenant.size === 0) return states;
  const pipeline = ctx.redis.pipeline();
  for (const [tenant, group] of byTenant) {
    const keys = ctx.keysOf(tenant);
    const args: (string | number)[] = [now];
    for (const { item } of group) {
      args.push(
        localId(tenant, item.jobId),
        item.token,
        item.outcome,
        item.outcome === 'succeeded' ? encodePayload(item.result) : '',
      );
    }
    ctx.scripts.call(
      pipeline,
      'settle',
      [keys.active, keys.leases, keys.where, keys.finished, keys.finishedByTime, ...keys.streams],
      args,
    );
  }
  const replies = (await execAll(pipeline)) as LeaseState[][];
  let reply = 0;
  for (const group of byTenant.values()) {
    const answers = replies[reply++] ?? [];
    group.forEach(({ index }, j) => {
      states[index] = answers[j] ?? 'lost';
    });
  }
  return states;
}
