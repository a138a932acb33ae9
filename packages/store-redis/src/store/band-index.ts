import { asBand, band, bandPriority, bandTenant } from '../band.js';
import { execAll, type RedisContext } from '../context.js';
import { gateKeys, PRIORITY_BANDS, readyKey, tenantsKey } from '../keys.js';
import type { GateClaims } from './gates/claims.js';
import type { Reads } from './tenant-scripts.js';

const REPAIR_EVERY_MS = 5_000;

/**
 * A claimer's side of the band index (`P:ready`: which tenants may have waiting jobs in
 * which band; README.md "Claim, round trips"): reading it, taking out bands that ran dry,
 * and rebuilding it from the counts when it may have missed one. Tenant scripts add bands
 * (tenant-scripts.ts); only claimers take them out.
 */
export class BandIndex {
  /** When this claimer last rebuilt the index from the counts (see repair). */
  private repairedAt = 0;

  constructor(
    private readonly ctx: RedisContext,
    private readonly gates: GateClaims,
  ) {}

  /**
   * The read of the index, and with gates their release count (see GateClaims.offerFor):
   * sent alone, or ahead of a round's scripts in the same round trip.
   */
  reads(): Reads {
    const { prefix } = this.ctx;
    const gates = this.gates;
    return {
      count: gates.enabled ? 2 : 1,
      add(pipeline) {
        pipeline.zrange(readyKey(prefix), 0, -1);
        if (gates.enabled) pipeline.hget(gateKeys(prefix).held, '#gen');
      },
    };
  }

  /** What the reads answered: each band's tenants (index = priority); the gates' release count noted. */
  bandsFrom(replies: readonly unknown[], only: ReadonlySet<string> | undefined): string[][] {
    if (this.gates.enabled) this.gates.noteReleases(replies[1]);
    return filterBands(replies, only);
  }

  /** The tenants of each band, sorted (so the round-robin order is stable). */
  async read(only: ReadonlySet<string> | undefined): Promise<string[][]> {
    const pipeline = this.ctx.pipeline();
    this.reads().add(pipeline);
    return this.bandsFrom(await execAll(pipeline), only);
  }

  /**
   * Removes tenants whose band ran dry from the index, then re-reads their counts and puts
   * back any that got work meanwhile. Enqueue writes the count (in its script) before it
   * adds to the index, so either this re-read sees the new count or the enqueue's add
   * comes after this removal: a waiting job is never left out of the index.
   */
  async dropEmptied(priority: number, tenants: readonly string[]): Promise<void> {
    if (tenants.length === 0) return;
    const index = readyKey(this.ctx.prefix);
    const pipeline = this.ctx.pipeline();
    pipeline.zrem(index, ...tenants.map((tenant) => band(priority, tenant)));
    // Parked jobs (waiting for gates) count as waiting but are not in the stream: units
    // coming back put their band in the index again (gates/release.ts).
    for (const tenant of tenants)
      pipeline.hmget(this.ctx.keysOf(tenant).counts, `waiting/${priority}`, `parked/${priority}`);
    const replies = (await execAll(pipeline)) as unknown[];
    const back = tenants.filter((_, k) => {
      const [waiting, parked] = (replies[k + 1] ?? []) as (string | null)[];
      return Number(waiting ?? 0) - Number(parked ?? 0) > 0;
    });
    if (back.length > 0)
      await this.ctx.redis.zadd(index, ...back.flatMap((tenant) => [priority, band(priority, tenant)]));
  }

  /**
   * The index can miss a tenant in one case: an enqueuing client that dies between its
   * script and the index update that follows it. A claimer that finds no work at all (so
   * it has time) rebuilds the index from every tenant's counts, at most every
   * REPAIR_EVERY_MS: such a job waits a few seconds at worst, and is never lost.
   */
  async repair(now: number): Promise<void> {
    if (Math.abs(now - this.repairedAt) < REPAIR_EVERY_MS) return;
    this.repairedAt = now;
    const tenants = await this.ctx.redis.smembers(tenantsKey(this.ctx.prefix));
    if (tenants.length === 0) return;
    const read = this.ctx.pipeline();
    for (const tenant of tenants) read.hgetall(this.ctx.keysOf(tenant).counts);
    const counts = (await execAll(read)) as Record<string, string>[];
    const pairs: (string | number)[] = [];
    tenants.forEach((tenant, k) => {
      for (let priority = 0; priority < PRIORITY_BANDS; priority++) {
        // Parked jobs count as waiting: so a band whose wake-up was missed is visited again.
        if (Number(counts[k]?.[`waiting/${priority}`] ?? 0) > 0) pairs.push(priority, band(priority, tenant));
      }
    });
    if (pairs.length > 0) await this.ctx.redis.zadd(readyKey(this.ctx.prefix), ...pairs);
  }
}

/**
 * Whether the index shows work the busy band's round did not ask for: a tenant of the busy
 * band outside `asked` (and not held back by a limit), or any tenant in a higher band.
 */
export function joinedSince(
  bands: readonly (readonly string[])[],
  priority: number,
  asked: readonly string[],
  limited: ReadonlySet<string>,
): boolean {
  for (let higher = priority + 1; higher < bands.length; higher++) if ((bands[higher]?.length ?? 0) > 0) return true;
  return (bands[priority] ?? []).some((tenant) => !asked.includes(tenant) && !limited.has(tenant));
}

/** Each band's tenants (index = priority), only those asked for, sorted (a stable round-robin order). */
function filterBands(replies: readonly unknown[], only: ReadonlySet<string> | undefined): string[][] {
  const bands: string[][] = Array.from({ length: PRIORITY_BANDS }, () => []);
  for (const member of (replies[0] ?? []) as string[]) {
    const tenant = bandTenant(asBand(member));
    if (only === undefined || only.has(tenant)) bands[bandPriority(asBand(member))]?.push(tenant);
  }
  for (const tenants of bands) tenants.sort();
  return bands;
}
