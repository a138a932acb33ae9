import { randomBytes } from 'node:crypto';
import {
  CadenzaError,
  type CheckedLimits,
  type ClaimedJob,
  type ClaimRequest,
  checkClaimRequest,
  type Gates,
  gatesOf,
} from '@cadenza/core';
import { asBand, type Band, band, bandPriority, bandTenant } from '../band.js';
import { execAll, type RedisContext } from '../context.js';
import { gateKeys, PRIORITY_BANDS, readyKey, tenantsKey } from '../keys.js';
import { decodeClaimAnswer } from './claim-answer.js';
import { FairTurns } from './fair-turns.js';
import { GateClaims, type Offer } from './gates/claims.js';
import { releaseHolds } from './gates/release.js';
import { interleave } from './interleave.js';
import { type Reads, runAfterReads, type TenantCall } from './tenant-scripts.js';

const REPAIR_EVERY_MS = 5_000;
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
 */
export class Claimer {
  private readonly turns: FairTurns;
  /** When this claimer last rebuilt the band indexes from the counts (see repairIndexes). */
  private repairedAt = 0;
  /** Claim ids: unique per call, so that a lost answer can be asked for again (claim.lua). */
  private readonly claimIds = { prefix: randomBytes(6).toString('hex'), next: 0 };
  /** Per tenant: the last claim id answered, whose memo the next call there drops. */
  private readonly answered = new Map<string, string>();
  /** Claim calls sent whose answer never came (connection lost): asked again first. */
  private lost: ClaimCall[] = [];
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
  }

  async claim(request: ClaimRequest): Promise<ClaimedJob[]> {
    const checked = checkClaimRequest(request);
    if (checked.limit === 0 || checked.tenants?.size === 0) return [];
    const claimed = await this.askAgain();
    try {
      return await this.claimMore(checked, claimed);
    } catch (error) {
      // Jobs claimed before the fault (asked again, or by an earlier round, or answered to
      // the round whose follow-up failed) are leased to this worker already: dropping them
      // would leave them idle until their leases ran out. A round whose answer never came
      // is kept in `lost` and asked again on the next call.
      const kept = [...claimed, ...this.held.splice(0)];
      if (kept.length > 0) return kept;
      throw error;
    }
  }

  /** The rest of claim(): reads the band index and claims band by band into `claimed`. */
  private async claimMore(checked: ReturnType<typeof checkClaimRequest>, claimed: ClaimedJob[]): Promise<ClaimedJob[]> {
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
      const round = await this.claimRound(checked, busy.priority, shares, this.indexReads());
      claimed.push(...round.jobs);
      for (const tenant of round.limited) limited.add(tenant);
      bands = this.bandsFrom(round.reads, checked.tenants);
      // The index read in this round trip is the first news of tenants that joined the
      // band, or of a higher band that got work, since the busy band was noted. Carrying
      // the busy band on would leave them out of every call for as long as the busy
      // tenants fill each one (a quiet tenant waited until two claims of a worker happened
      // to overlap: up to a second): the next call reads the index first instead.
      if (!joinedSince(bands, busy.priority, tenants, limited)) {
        this.noteBusy(busy.priority, tenants, round, claimed.length, checked.limit);
      }
    } else {
      bands = await this.readyTenants(checked.tenants);
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
    if (claimed.length === 0) await this.repairIndexes(checked.now);
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

  /**
   * The band index can miss a tenant in one case: an enqueuing client that dies between
   * its script and the index update that follows it. A claimer that finds no work at
   * all (so it has time) rebuilds the indexes from every tenant's counts, at most every
   * REPAIR_EVERY_MS: such a job waits a few seconds at worst, and is never lost.
   */
  private async repairIndexes(now: number): Promise<void> {
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

  private indexReads(): Reads {
    return indexReads(this.ctx.prefix, this.gates);
  }

  /** What the index reads answered: each band's tenants; the gates' release count noted. */
  private bandsFrom(replies: readonly unknown[], only: ReadonlySet<string> | undefined): string[][] {
    if (this.gates.enabled) this.gates.noteReleases(replies[1]);
    return filterBands(replies, only);
  }

  /** The tenants of each band's index, sorted (so the round-robin order is stable). */
  private async readyTenants(only: ReadonlySet<string> | undefined): Promise<string[][]> {
    const pipeline = this.ctx.pipeline();
    this.indexReads().add(pipeline);
    return this.bandsFrom(await execAll(pipeline), only);
  }

  /**
   * The jobs of claims whose answer was lost: the same calls again (same claim ids), which
   * the script answers from its memo. Their jobs may exceed this call's limit by what the
   * lost calls asked for; the worker asked for them once already.
   */
  private async askAgain(): Promise<ClaimedJob[]> {
    if (this.lost.length === 0) return [];
    const calls = this.lost;
    const { answers } = await this.send(calls);
    this.lost = [];
    return interleave(calls.map((call, k) => decodeClaimAnswer(call.tenant, answers[k]).jobs));
  }

  /** Sends claim calls; when the connection fails, keeps them to be asked again. */
  private async send(calls: ClaimCall[], reads?: Reads): Promise<{ reads: unknown[]; answers: unknown[][] }> {
    try {
      const sent = await runAfterReads(this.ctx, reads ?? { add: () => undefined, count: 0 }, calls);
      for (const call of calls) this.answered.set(call.tenant, call.claimId);
      return sent;
    } catch (error) {
      if (error instanceof CadenzaError && error.code === 'unavailable') {
        this.lost = [...this.lost.filter((call) => !calls.includes(call)), ...calls];
      }
      throw error;
    }
  }

  private async claimRound(
    request: ReturnType<typeof checkClaimRequest>,
    priority: number,
    shares: readonly [string, number][],
    reads?: Reads,
  ): Promise<{ jobs: ClaimedJob[]; full: string[]; emptied: string[]; limited: string[]; reads: unknown[] }> {
    const sent = await this.send(
      shares.map(([tenant, count]) =>
        this.claimCall('claim', request, tenant, priority, count, [
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
      if (offers.length > 0) perTenant.push(await this.claimParked(request, priority, offers, room));
      await this.dropEmptied(priority, emptied);
      await this.gates.noLongerWaiting(unparked);
    } catch (error) {
      // The scripts answered: their jobs are leased to this worker, whatever fails now.
      this.held.push(...interleave(perTenant));
      throw error;
    }
    return { jobs: interleave(perTenant), full, emptied, limited, reads: sent.reads };
  }

  /**
   * A call of claim.lua or claim-parked.lua for one tenant under a fresh claim id: their
   * first ten arguments are the same, then each script's own (`more`).
   */
  private claimCall(
    script: 'claim' | 'claim-parked',
    request: ReturnType<typeof checkClaimRequest>,
    tenant: string,
    priority: number,
    count: number,
    more: readonly (string | number)[],
  ): ClaimCall {
    const { now, leaseMs, workerId } = request;
    const claimId = `${this.claimIds.prefix}.${this.claimIds.next++}`;
    const args = [now, priority, count, workerId, now + leaseMs, claimId, this.answered.get(tenant) ?? ''];
    return { tenant, script, claimId, args: [...args, ...limitArgs(this.limitsOf(tenant)), ...more] };
  }

  /**
   * Parked jobs offered by the round: units for those that fit (at most `room`, what the
   * round still wanted from their tenants), then the leases; units granted to a job that
   * could not be leased after all (canceled meanwhile, or its tenant at a limit) go back.
   */
  private async claimParked(
    request: ReturnType<typeof checkClaimRequest>,
    priority: number,
    offers: readonly Offer[],
    room: number,
  ): Promise<ClaimedJob[]> {
    const calls = new Map<string, ClaimCall>();
    const callOf = (tenant: string): ClaimCall => {
      let call = calls.get(tenant);
      if (call === undefined) {
        call = this.claimCall('claim-parked', request, tenant, priority, 0, []);
        calls.set(tenant, call);
      }
      return call;
    };
    const claimIdOf = (tenant: string) => callOf(tenant).claimId;
    const grants = await this.gates.take(priority, offers, room, request.now, request.now + request.leaseMs, claimIdOf);
    if (grants.length === 0) return [];
    const granted = new Map<string, (string | number)[]>();
    for (const grant of grants) {
      const pairs = granted.get(grant.tenant) ?? [];
      pairs.push(grant.id, grant.holder);
      granted.set(grant.tenant, pairs);
    }
    const send = [...granted].map(([tenant, pairs]) => {
      const call = callOf(tenant);
      return { ...call, args: [...call.args, ...pairs] };
    });
    const { answers } = await this.send(send);
    const refused: string[] = [];
    const jobs = send.map((call, k) => {
      const { jobs: taken, pairs } = decodeClaimAnswer(call.tenant, answers[k]);
      for (const [, holder] of pairs) refused.push(holder);
      return taken;
    });
    await releaseHolds(this.ctx, refused);
    return interleave(jobs);
  }

  /**
   * Removes tenants whose band ran dry from the index, then re-reads their counts and puts
   * back any that got work meanwhile. Enqueue writes the count (in its script) before it
   * adds to the index, so either this re-read sees the new count or the enqueue's add
   * comes after this removal: a waiting job is never left out of the index.
   */
  private async dropEmptied(priority: number, tenants: readonly string[]): Promise<void> {
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
}

/** A claim script's call, with the claim id it was sent under (its memo's name: claim.lua). */
interface ClaimCall extends TenantCall {
  claimId: string;
}

/**
 * The read of the band index (which tenants may have work in each band), and with gates
 * their release count (see GateClaims.offerFor).
 */
function indexReads(prefix: string, gates: GateClaims): Reads {
  return {
    count: gates.enabled ? 2 : 1,
    add(pipeline) {
      pipeline.zrange(readyKey(prefix), 0, -1);
      if (gates.enabled) pipeline.hget(gateKeys(prefix).held, '#gen');
    },
  };
}

/**
 * Whether the index shows work the busy band's round did not ask for: a tenant of the busy
 * band outside `asked` (and not held back by a limit), or any tenant in a higher band.
 */
function joinedSince(
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

/** The claim script's ARGV for a tenant's limits: maxActive, rate, burst ('' for none). */
function limitArgs(limits: CheckedLimits | undefined): (string | number)[] {
  return [limits?.maxActive ?? '', limits?.rate ?? '', limits?.burst ?? ''];
}
