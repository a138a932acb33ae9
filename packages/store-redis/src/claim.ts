import type { ClaimedJob, ClaimRequest } from '@cadenza/core';
import { decodeOptions, decodePayload } from './codec.js';
import { execAll, type RedisContext } from './context.js';
import { globalId, PRIORITY_BANDS, readyTenantsKey, streamKey } from './keys.js';

/**
 * Claims across tenants. A script touches one slot, so one claim call is:
 *
 *   1 round trip   SMEMBERS of the ten band indexes (which tenants may have work)
 *   1+ round trips for the highest band with tenants: one `claim` script per tenant,
 *                  pipelined, each asking for that tenant's share of what is left
 *                  (repeated while a tenant came up short and others may have more)
 *   …              then the next band down, only if the limit is not reached
 *
 * Strict priority: a lower band is read only after the higher ones came up empty.
 * Fair within a band: the limit is shared out equally, the remainder going to tenants in
 * turn from a cursor that carries over between calls (per process: good enough for
 * round robin; weights come later). FIFO within a tenant: the stream order.
 */
export class Claimer {
  /** Per band: where the next remainder starts, so no tenant is always first. */
  private readonly cursors = new Map<number, number>();

  constructor(private readonly ctx: RedisContext) {}

  async claim(request: ClaimRequest): Promise<ClaimedJob[]> {
    const { limit } = request;
    if (limit <= 0) return [];
    const bands = await this.readyTenants(request.tenants);
    const claimed: ClaimedJob[] = [];
    for (let priority = PRIORITY_BANDS - 1; priority >= 0 && claimed.length < limit; priority--) {
      let tenants = bands[priority] ?? [];
      while (tenants.length > 0 && claimed.length < limit) {
        const shares = this.share(priority, tenants, limit - claimed.length);
        const round = await this.claimRound(request, priority, shares);
        claimed.push(...round.jobs);
        // Only tenants that filled their share may have more; the others are empty now.
        tenants = round.full;
        if (round.jobs.length === 0) break;
      }
    }
    return claimed;
  }

  /** The tenants of each band's index, sorted (so the round-robin order is stable). */
  private async readyTenants(only: readonly string[] | undefined): Promise<string[][]> {
    const pipeline = this.ctx.redis.pipeline();
    for (let priority = 0; priority < PRIORITY_BANDS; priority++) {
      pipeline.smembers(readyTenantsKey(this.ctx.prefix, priority));
    }
    const replies = (await execAll(pipeline)) as string[][];
    const allowed = only === undefined ? undefined : new Set(only);
    return replies.map((tenants) => tenants.filter((tenant) => allowed === undefined || allowed.has(tenant)).sort());
  }

  /** Equal shares of `wanted`; the remainder goes one each to tenants from the cursor on. */
  private share(priority: number, tenants: readonly string[], wanted: number): [string, number][] {
    const n = tenants.length;
    const each = Math.floor(wanted / n);
    const extra = wanted % n;
    const start = (this.cursors.get(priority) ?? 0) % n;
    this.cursors.set(priority, start + Math.max(extra, 1));
    const shares: [string, number][] = [];
    for (let k = 0; k < n; k++) {
      const tenant = tenants[(start + k) % n];
      const count = each + (k < extra ? 1 : 0);
      if (tenant !== undefined && count > 0) shares.push([tenant, count]);
    }
    return shares;
  }

  private async claimRound(
    request: ClaimRequest,
    priority: number,
    shares: readonly [string, number][],
  ): Promise<{ jobs: ClaimedJob[]; full: string[] }> {
    const { now, leaseMs, workerId } = request;
    const expiresAt = now + leaseMs;
    const pipeline = this.ctx.redis.pipeline();
    for (const [tenant, count] of shares) {
      const keys = this.ctx.keysOf(tenant);
      this.ctx.scripts.call(
        pipeline,
        'claim',
        [streamKey(keys, priority), keys.counts, keys.active, keys.leases],
        [now, priority, count, workerId, expiresAt],
      );
    }
    const replies = (await execAll(pipeline)) as (string | number)[][];
    const perTenant: ClaimedJob[][] = [];
    const full: string[] = [];
    const emptied: string[] = [];
    shares.forEach(([tenant, count], k) => {
      const reply = replies[k] ?? [0];
      const jobs = decodeClaimed(reply, tenant, priority, workerId, expiresAt, now);
      perTenant.push(jobs);
      if (jobs.length === count && Number(reply[0]) > 0) full.push(tenant);
      if (Number(reply[0]) <= 0) emptied.push(tenant);
    });
    await this.dropEmptied(priority, emptied);
    return { jobs: interleave(perTenant), full };
  }

  /**
   * Removes tenants whose band ran dry from the index, then re-reads their counts and puts
   * back any that got work meanwhile. Enqueue writes the count (in its script) before it
   * adds to the index, so either this re-read sees the new count or the enqueue's add
   * comes after this removal: a waiting job is never left out of the index.
   */
  private async dropEmptied(priority: number, tenants: readonly string[]): Promise<void> {
    if (tenants.length === 0) return;
    const index = readyTenantsKey(this.ctx.prefix, priority);
    const pipeline = this.ctx.redis.pipeline();
    pipeline.srem(index, ...tenants);
    for (const tenant of tenants) pipeline.hget(this.ctx.keysOf(tenant).counts, String(priority));
    const replies = await execAll(pipeline);
    const back = tenants.filter((_, k) => Number(replies[k + 1] ?? 0) > 0);
    if (back.length > 0) await this.ctx.redis.sadd(index, ...back);
  }
}

/** Round robin over the tenants' lists: a1 b1 c1 a2 b2 … (each list stays in FIFO order). */
function interleave(lists: readonly ClaimedJob[][]): ClaimedJob[] {
  const out: ClaimedJob[] = [];
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let j = 0; j < longest; j++) {
    for (const list of lists) {
      const job = list[j];
      if (job !== undefined) out.push(job);
    }
  }
  return out;
}

function decodeClaimed(
  reply: readonly (string | number)[],
  tenant: string,
  priority: number,
  workerId: string,
  expiresAt: number,
  now: number,
): ClaimedJob[] {
  const jobs: ClaimedJob[] = [];
  for (let j = 1; j + 8 <= reply.length; j += 8) {
    const [id, name, payload, options, attempt, createdAt, token] = reply.slice(j, j + 7).map(String);
    if (id === undefined || token === undefined) break;
    jobs.push({
      id: globalId(tenant, id),
      name: name ?? '',
      tenant,
      payload: decodePayload(payload ?? ''),
      priority,
      ...decodeOptions(options ?? ''),
      runAt: undefined,
      status: 'active',
      attempt: Number(attempt),
      createdAt: Number(createdAt),
      startedAt: now,
      finishedAt: undefined,
      result: undefined,
      error: undefined,
      progress: undefined,
      lease: { workerId, token, expiresAt },
    });
  }
  return jobs;
}
