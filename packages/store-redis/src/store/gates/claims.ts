import type { Gates } from '@cadenza/core/store-kit';
import { type Band, band, bandTenant } from '../../band.js';
import { execAll, groupBy, type RedisContext } from '../../context.js';
import { gateKeys } from '../../keys.js';
import { gateTakeAnswer } from '../answers.js';
import { interleave } from '../interleave.js';
import { recordField } from '../record.js';
import { releaseHolds } from './release.js';

/** Parked jobs offered by a band per claim: enough to find some that fit, never a scan. */
const MIN_OFFER = 16;
const MAX_OFFER = 200;

/** A parked job a claim script offered: its tenant, local id and needs ('gate=units …'). */
export interface Offer {
  tenant: string;
  id: string;
  needs: string;
}

/** A hold granted to a parked job: the claim that will lease it must name it. */
export interface Grant {
  tenant: string;
  id: string;
  holder: string;
}

/**
 * The claimer's side of the gates (named resources and per-name concurrency, counted
 * across every tenant in the gates' own slot; see README.md "Gates"). A claim with gates
 * costs, besides the tenant claim scripts that park gated jobs and offer the band's parked
 * ones:
 *
 *   1 round trip   gate-take.lua: units for the offered jobs that fit, in order (tenants
 *                  interleaved); the bands with parked jobs are noted as waiters first, so
 *                  a release that comes after that note wakes them
 *   1 round trip   claim-parked.lua per tenant with grants: the jobs become active
 *   (rare)         gate-release.lua for grants whose job could not be leased, and for holds
 *                  past their deadline whose job no longer holds them (`sweep`)
 *
 * Nothing here runs for a store without gates, nor for claims that met no parked job.
 */
export class GateClaims {
  /** Gate names with a capacity, as claim.lua takes them ('' when none). */
  readonly gateList: string;
  private readonly capacities: string;
  /** Band → the release count when its last offer got no units at all. */
  private readonly fruitless = new Map<Band, string>();
  /** Bands this claimer noted as waiters: the only ones it takes out again (see noLongerWaiting). */
  private readonly noted = new Set<Band>();
  /** The gates' release count ('#gen' in the held hash) as last read with the band index. */
  private releases = '';

  constructor(
    private readonly ctx: RedisContext,
    gates: Gates,
  ) {
    this.gateList = [...gates.capacities.keys()].join(' ');
    this.capacities = [...gates.capacities].map(([gate, units]) => `${gate}=${units}`).join(' ');
  }

  get enabled(): boolean {
    return this.gateList !== '';
  }

  /** Notes the gates' release count, read in the same round trip as the band index. */
  noteReleases(count: unknown): void {
    this.releases = String(count ?? '');
  }

  /**
   * How many parked jobs a band should offer in a claim wanting `count`. A band whose last
   * offer got no units is not offered again until some units came back (the release count
   * moved): a tenant with a busy stream is asked on every claim, and its parked jobs need
   * not be weighed each time while the gates stay full.
   */
  offerFor(tenant: string, priority: number, count: number): number {
    if (!this.enabled || count <= 0) return 0;
    if (this.fruitless.get(band(priority, tenant)) === this.releases) return 0;
    return Math.min(MAX_OFFER, Math.max(MIN_OFFER, 2 * count));
  }

  /**
   * Takes units for offered jobs, at most `most` holds, deadline `deadline` (the leases'),
   * with `claimIdOf(tenant)` naming the claim that will lease them. Answers the grants.
   */
  async take(
    priority: number,
    offers: readonly Offer[],
    most: number,
    now: number,
    deadline: number,
    claimIdOf: (tenant: string) => string,
  ): Promise<Grant[]> {
    if (offers.length === 0 || most <= 0) return [];
    const keys = gateKeys(this.ctx.prefix);
    const pipeline = this.ctx.pipeline();
    const bands = [...new Set(offers.map((offer) => band(priority, offer.tenant)))];
    pipeline.sadd(keys.waiters, ...bands);
    for (const waiter of bands) this.noted.add(waiter);
    const byHolder = new Map<string, Offer>();
    const args: (string | number)[] = [now, deadline, most, this.capacities];
    for (const offer of interleaveByTenant(offers)) {
      const holder = `${offer.tenant}/${offer.id}/${claimIdOf(offer.tenant)}`;
      byHolder.set(holder, offer);
      args.push(holder, offer.needs);
    }
    this.ctx.scripts.call(pipeline, 'gate-take', keys.all, args);
    const replies = await execAll(pipeline);
    const { granted: holders, expired } = gateTakeAnswer(replies[1] as unknown[] | undefined);
    const grants: Grant[] = [];
    for (const holder of holders) {
      const offer = byHolder.get(holder);
      if (offer !== undefined) grants.push({ tenant: offer.tenant, id: offer.id, holder });
    }
    const granted = new Set(grants.map((grant) => grant.tenant));
    for (const waiter of bands) {
      if (granted.has(bandTenant(waiter))) this.fruitless.delete(waiter);
      else this.fruitless.set(waiter, this.releases);
    }
    if (expired.length > 0) await this.sweep(expired);
    return grants;
  }

  /**
   * Bands whose parked jobs are all gone are no longer waiters. Only those this claimer noted
   * are taken out, so a claim that met no parked job costs nothing here; a waiter left by
   * another process only wakes a band with nothing parked, which the next claim drops.
   */
  async noLongerWaiting(bands: readonly Band[]): Promise<void> {
    const mine = bands.filter((waiter) => this.noted.delete(waiter));
    if (mine.length > 0) await this.ctx.redis.srem(gateKeys(this.ctx.prefix).waiters, ...mine);
  }

  /**
   * Holds past their deadline: a job still active under its hold (a long one, heartbeating)
   * keeps it until its lease's current deadline; any other hold (its job ended and the
   * release after its script never came, or it was granted to a claim that never leased)
   * is given back.
   */
  private async sweep(holders: readonly string[]): Promise<void> {
    const read = this.ctx.pipeline();
    const parsed = holders.map((holder) => {
      const [tenant = '', id = ''] = holder.split('/');
      const keys = this.ctx.keysOf(tenant);
      read.hget(keys.gated, id);
      read.hget(keys.jobs, id);
      return holder;
    });
    const replies = (await execAll(read)) as (string | null)[];
    const keep: (string | number)[] = [];
    const release: string[] = [];
    parsed.forEach((holder, k) => {
      const held = replies[2 * k];
      const record = replies[2 * k + 1];
      const fields = record?.split('\0') ?? [];
      if (held === `@${holder}` && recordField(fields, 'status') === 'active')
        keep.push(Number(recordField(fields, 'expires')), holder);
      else release.push(holder);
    });
    if (keep.length > 0) await this.ctx.redis.zadd(gateKeys(this.ctx.prefix).deadlines, 'XX', ...keep);
    await releaseHolds(this.ctx, release);
  }
}

/** a1 b1 a2 b2 …: each tenant's offers stay in their order; no tenant's go all first. */
function interleaveByTenant(offers: readonly Offer[]): Offer[] {
  const byTenant = groupBy(offers, (offer) => offer.tenant);
  return interleave([...byTenant.values()].map((group) => group.map(({ item }) => item)));
}
