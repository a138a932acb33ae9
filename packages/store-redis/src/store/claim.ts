import type { ClaimedJob, ClaimRequest } from '@cadenza/core';
import { type CheckedLimits, checkClaimRequest, type Gates, gatesOf } from '@cadenza/core/store-kit';
import { type Band, band } from '../band.js';
import type { RedisContext } from '../context.js';
import { PRIORITY_BANDS } from '../keys.js';
import { BandIndex, joinedSince } from './band-index.js';
import { decodeClaimAnswer } from './claim-answer.js';
import { type CheckedClaim, ClaimCalls } from './claim-calls.js';
import { FairTurns } from './fair-turns.js';
import { claimParked } from './gates/claim-parked.js';
import { GateClaims, type Offer } from './gates/claims.js';
import { interleave } from './interleave.js';
import type { Reads } from './tenant-scripts.js';

/** Rounds in one band, in one call, that claimed nothing but parked gated jobs. */
const MAX_PARKING_ROUNDS = 3;

/**
 * Claims across tenants. A script touches one slot, so one claim call is:
 *
 *   1 round trip   ZRANGE of the band index (which tenants may have work in which band)
 *   1+ round trips for the highest band with tenants: one `claim` script per tenant,
 *                  pipelined, each asking for that tenant's share of what is left
 *                  (repeated while some tenant filled its share or was not reached)
 *   …              then the next band down, only if the limit is not reached
 *
 * Under load (the last call filled its limit) the first two go in one round trip: the band
 * that filled it is claimed from while the index is read. That read is how a tenant that
 * joined the band, or a higher band that got work, is noticed: the next call then reads
 * the index first, so they wait a claim or two, not until the busy tenants run dry.
 *
 * Strict priority: a lower band is read only after the higher ones came up empty.
 * Fair within a band: weighted round robin — a tenant of weight w is served w jobs in a
 * row per turn — with the turn kept between calls, so many small claims are as fair as
 * one large one. The turn is per process, and still the weights hold for the cluster as a
 * whole: every claimer splits what it takes w:1, so the sum of their claims is split w:1
 * too, whatever their sizes (test/process/weights.test.ts measures 3.0 for weights 3:1
 * over three workers). A shared turn would cost a write per claim and only change which
 * tenant a given claim starts with. FIFO within a tenant: the stream order.
 *
 * Tenant limits (maxActive, rate) are enforced by the claim script itself, inside the
 * tenant's slot, so they hold across every worker of the cluster. A tenant held back by
 * one is `limited`: it keeps its place in the index (its jobs wait), and is not asked again
 * within the same call; its unused share goes to the others in the next round.
 *
 * Gates (named resources, per-name concurrency) are counted across tenants in a slot of
 * their own: a tenant's claim script parks the gated jobs it meets and offers its band's
 * parked ones, and GateClaims (gates/claims.ts) takes units and leases those that fit.
 *
 * This class is the rounds; the parts it uses each have a file: the turns within a band
 * (fair-turns.ts), the band index (band-index.ts), claim ids and the replay of a lost
 * answer (claim-calls.ts), the answer's decoding (claim-answer.ts), the parked jobs' units
 * and leases (gates/claim-parked.ts).
 */
export class Claimer {
  private readonly turns: FairTurns;
  private readonly index: BandIndex;
  private readonly calls: ClaimCalls;
  /** Jobs a round was answered but could not hand out (a fault in its follow-up calls). */
  private held: ClaimedJob[] = [];
  /** The band (and its tenants with more work) that filled the last call: see claim(). */
  private busyBand: { priority: number; tenants: string[] } | undefined;
  private readonly gates: GateClaims;

  constructor(
    private readonly ctx: RedisContext,
    weights: Readonly<Record<string, number>>,
    private readonly limitsOf: (tenant: string) => CheckedLimits | undefined = () => undefined,
    gates: Gates = gatesOf(),
    /** Told how long (from the claim's `now`) until a tenant held back by its rate may start another job. */
    private readonly rateWait: (ms: number, now: number) => void = () => undefined,
  ) {
    this.gates = new GateClaims(ctx, gates);
    this.turns = new FairTurns(weights);
    this.index = new BandIndex(ctx, this.gates);
    this.calls = new ClaimCalls(ctx, limitsOf);
  }

  async claim(request: ClaimRequest): Promise<ClaimedJob[]> {
    const checked = checkClaimRequest(request);
    if (checked.limit === 0 || checked.tenants?.size === 0) return [];
    const claimed = await this.calls.askAgain();
    try {
      return await this.claimMore(checked, claimed);
    } catch (error) {
      // Jobs claimed before the fault (asked again, or by an earlier round, or answered to
      // the round whose follow-up failed) are leased to this worker already: dropping them
      // would leave them idle until their leases ran out. A round whose answer never came
      // is kept by ClaimCalls and asked again on the next call.
      const kept = [...claimed, ...this.held.splice(0)];
      if (kept.length > 0) return kept;
      throw error;
    }
  }

  /** The rest of claim(): reads the band index and claims band by band into `claimed`. */
  private async claimMore(checked: CheckedClaim, claimed: ClaimedJob[]): Promise<ClaimedJob[]> {
    // Tenants a limit held back in this call: not asked again until the next one.
    const limited = new Set<string>();
    let bands: string[][];
    const busy = this.busyBand;
    this.busyBand = undefined;
    if (busy !== undefined && claimed.length < checked.limit) {
      // Under load, the band that filled the last call is claimed from in the same round
      // trip that reads the indexes, rather than after it: one round trip per call, not
      // two. Strict priority still holds between calls; within this one, a higher band that
      // got jobs since the last call is served next (as if its jobs came a moment later).
      const tenants = busy.tenants.filter((tenant) => checked.tenants?.has(tenant) ?? true);
      const shares = this.turns.share(busy.priority, tenants, checked.limit - claimed.length);
      const round = await this.claimRound(checked, busy.priority, shares, this.index.reads());
      claimed.push(...round.jobs);
      for (const tenant of round.limited) limited.add(tenant);
      bands = this.index.bandsFrom(round.reads, checked.tenants);
      // The index read in this round trip is the first news of tenants that joined the
      // band, or of a higher band that got work, since the busy band was noted. Carrying
      // the busy band on would leave them out of every call for as long as the busy
      // tenants fill each one (a quiet tenant waited until two claims of a worker happened
      // to overlap: up to a second): the next call reads the index first instead.
      if (!joinedSince(bands, busy.priority, tenants, limited)) {
        this.noteBusy(busy.priority, tenants, round, claimed.length, checked.limit);
      }
    } else {
      bands = await this.index.read(checked.tenants);
    }
    for (let priority = PRIORITY_BANDS - 1; priority >= 0 && claimed.length < checked.limit; priority--) {
      let tenants = (bands[priority] ?? []).filter((tenant) => !limited.has(tenant));
      let parkingRounds = 0;
      while (tenants.length > 0 && claimed.length < checked.limit) {
        const shares = this.turns.share(priority, tenants, checked.limit - claimed.length);
        const round = await this.claimRound(checked, priority, shares);
        claimed.push(...round.jobs);
        for (const tenant of round.limited) limited.add(tenant);
        this.noteBusy(priority, tenants, round, claimed.length, checked.limit);
        // A tenant that did not fill its share is empty or limited; those that did, and those
        // the turn did not reach in this round (a small limit, handed to a tenant that turned
        // out empty), may have more: leaving the latter out made a call come back short while
        // a backlog waited, and a worker given a short answer waits for a signal to ask again.
        // A round that only parked gated jobs read the band on: a few more may reach jobs
        // that can run now, but a band full of gated jobs is not parked all in one call.
        const asked = new Set(shares.map(([tenant]) => tenant));
        tenants = tenants.filter((tenant) => round.full.includes(tenant) || !asked.has(tenant));
        if (round.jobs.length === 0 && ++parkingRounds > MAX_PARKING_ROUNDS) break;
      }
    }
    this.noteRateWait(limited, checked.now);
    if (claimed.length === 0) await this.index.repair(checked.now);
    return claimed;
  }

  /**
   * A tenant held back by its rate gets a token within 1/rate seconds: nothing is published
   * then, so the worker is told to look again (rather than at its next poll).
   */
  private noteRateWait(limited: ReadonlySet<string>, now: number): void {
    let soonest = Number.POSITIVE_INFINITY;
    for (const tenant of limited) {
      const rate = this.limitsOf(tenant)?.rate;
      if (rate !== undefined) soonest = Math.min(soonest, Math.ceil(1000 / rate));
    }
    if (soonest !== Number.POSITIVE_INFINITY) this.rateWait(soonest, now);
  }

  /** Remembers a band whose round filled the call, with its tenants that may have more work. */
  private noteBusy(
    priority: number,
    tenants: readonly string[],
    round: { full: string[]; emptied: string[]; limited: string[] },
    claimed: number,
    limit: number,
  ): void {
    if (claimed < limit || round.full.length === 0) return;
    // A limited tenant is left out too: the next call finds it in the index if it may go on.
    const out = new Set([...round.emptied, ...round.limited]);
    this.busyBand = { priority, tenants: tenants.filter((tenant) => !out.has(tenant)) };
  }

  private async claimRound(
    request: CheckedClaim,
    priority: number,
    shares: readonly [string, number][],
    reads?: Reads,
  ): Promise<{ jobs: ClaimedJob[]; full: string[]; emptied: string[]; limited: string[]; reads: unknown[] }> {
    const sent = await this.calls.send(
      shares.map(([tenant, count]) =>
        this.calls.call('claim', request, tenant, priority, count, [
          this.gates.gateList,
          this.gates.offerFor(tenant, priority, count),
        ]),
      ),
      reads,
    );
    const answers = sent.answers;
    const perTenant: ClaimedJob[][] = [];
    const full: string[] = [];
    const emptied: string[] = [];
    const limited: string[] = [];
    const offers: Offer[] = [];
    const unparked: Band[] = [];
    let room = 0;
    shares.forEach(([tenant, count], k) => {
      const { left, limited: wasLimited, parked, read, jobs, pairs } = decodeClaimAnswer(tenant, answers[k]);
      perTenant.push(jobs);
      // A limited tenant still has `left` waiting: it stays in the index, but is not full.
      // One that read all it asked for (claimed, or parked for gates) may have more.
      if (wasLimited) limited.push(tenant);
      else if (read === count && left > 0) full.push(tenant);
      if (left <= 0) emptied.push(tenant);
      if (this.gates.enabled && parked === 0) unparked.push(band(priority, tenant));
      for (const [id, needs] of pairs) offers.push({ tenant, id, needs });
      if (pairs.length > 0) room += count - jobs.length;
    });
    try {
      if (offers.length > 0)
        perTenant.push(await claimParked(this.ctx, this.gates, this.calls, request, priority, offers, room));
      await this.index.dropEmptied(priority, emptied);
      await this.gates.noLongerWaiting(unparked);
    } catch (error) {
      // The scripts answered: their jobs are leased to this worker, whatever fails now.
      this.held.push(...interleave(perTenant));
      throw error;
    }
    return { jobs: interleave(perTenant), full, emptied, limited, reads: sent.reads };
  }
}
