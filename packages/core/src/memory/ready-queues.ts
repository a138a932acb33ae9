import { MAX_PRIORITY, MIN_PRIORITY } from '../model/job.js';

/**
 * The waiting jobs, in the order `claim` hands them out (docs/jobs.md "Order"):
 *
 *   band 9 ─ ring of tenants ─► [acme: j1 j4 j7] [beta: j2] [gamma: j3 j5]   (cursor, served)
 *   band 8 ─ …
 *   band 0 ─ …
 *
 * A higher band is always emptied first. Within a band, tenants take turns (round robin);
 * a tenant of weight w is served w jobs in a row per turn. The turn (cursor and how many
 * the current tenant has had) is kept between calls, so that many small claims are as fair
 * as one large one. Within a tenant, first in, first out: a job enters at the back when it
 * becomes waiting, which also holds for a job released, retried, promoted or taken back
 * from an expired lease; it goes to the back of its tenant's queue, not to its old place.
 *
 * Each tenant's queue is a Set (insertion-ordered), so that cancel can remove a job from
 * the middle in O(1).
 */
export class ReadyQueues {
  private readonly bands: Band[] = [];

  constructor(weightOf: (tenant: string) => number) {
    for (let p = MIN_PRIORITY; p <= MAX_PRIORITY; p++) this.bands.push(new Band(weightOf));
  }

  get size(): number {
    let n = 0;
    for (const band of this.bands) n += band.size;
    return n;
  }

  /** Puts a job at the back of its tenant's queue in its priority band. */
  push(tenant: string, priority: number, id: string): void {
    this.bands[priority]?.push(tenant, id);
  }

  remove(tenant: string, priority: number, id: string): void {
    this.bands[priority]?.remove(tenant, id);
  }

  /** The size each band keeps (not recounted), band 0 first: what `doctor` checks against its queues. */
  keptSizes(): number[] {
    return this.bands.map((band) => band.size);
  }

  /** Each band's queues and turn, band 0 first (for snapshots). */
  bandStates(): BandState[] {
    return this.bands.map((band) => band.state());
  }

  /** Replaces every band's queues and turn with `states` (band 0 first); missing bands are emptied. */
  restore(states: readonly BandState[]): void {
    this.bands.forEach((band, p) => {
      band.restore(states[p] ?? { tenants: [], cursor: 0, served: 0 });
    });
  }

  /**
   * Takes job ids in claim order, one each time the caller asks for the next, passing over
   * tenants that `eligible` refuses (a tenant filter, a tenant at its limit). `eligible` is
   * asked again for every job, so that what the caller did with the last one (a tenant
   * reaching its limit) counts. A band none of whose tenants is eligible is left behind:
   * eligibility only shrinks while one claim runs (its jobs become active, its tokens are
   * spent), so it would not become eligible again.
   *
   * With `fits` (a store with resource gates), a job that `fits` refuses is passed over
   * where it stands: it keeps its place, and the jobs behind it in its tenant's queue (and
   * other tenants, and lower bands) go on. Fitting too only shrinks while one claim runs,
   * so a job refused once is not asked about again in the same claim (see ClaimScan), and
   * how many are passed over is bounded, per queue and per claim.
   */
  *take(eligible: (tenant: string) => boolean, fits?: (id: string) => boolean): Generator<string, void, undefined> {
    const scan = fits === undefined ? undefined : new ClaimScan(fits);
    for (let p = MAX_PRIORITY; p >= MIN_PRIORITY; p--) {
      const band = this.bands[p];
      if (band === undefined) continue;
      const bandScan = scan?.band();
      for (let id = band.takeOne(eligible, bandScan); id !== undefined; id = band.takeOne(eligible, bandScan)) {
        yield id;
      }
    }
  }
}

/**
 * Jobs one claim may pass over because they do not fit, in one tenant's queue of one band
 * and in all: past these, the claim treats the queue (or everything left) as having
 * nothing that fits. Bounds a claim's work when many jobs wait for a full resource; the
 * jobs so left behind are looked at again by the next claim, from the front.
 */
export const MAX_SKIPPED_PER_QUEUE = 100;
export const MAX_SKIPPED_PER_CLAIM = 1000;

/**
 * One claim's walk past jobs that do not fit. Each tenant queue of a band is walked by one
 * live Set iterator, kept between the jobs the claim takes: the jobs taken are deleted from
 * the Set (the iterator passes over them), the jobs refused stay in place behind it, so no
 * job is looked at twice in one claim.
 */
class ClaimScan {
  skipped = 0;

  constructor(readonly fits: (id: string) => boolean) {}

  band(): BandScan {
    return new BandScan(this);
  }
}

class BandScan {
  private readonly walks = new Map<string, { ids: Iterator<string>; skipped: number }>();

  constructor(private readonly claim: ClaimScan) {}

  /** The first job of `tenant`'s queue that fits, not counting those already passed over. */
  next(tenant: string, queue: Set<string>): string | undefined {
    let walk = this.walks.get(tenant);
    if (walk === undefined) {
      walk = { ids: queue.values(), skipped: 0 };
      this.walks.set(tenant, walk);
    }
    while (walk.skipped < MAX_SKIPPED_PER_QUEUE && this.claim.skipped < MAX_SKIPPED_PER_CLAIM) {
      const step = walk.ids.next();
      if (step.done === true) return undefined;
      if (this.claim.fits(step.value)) return step.value;
      walk.skipped++;
      this.claim.skipped++;
    }
    return undefined;
  }
}

/** One band as a snapshot holds it: tenants in ring order with their queues, and the turn. */
export interface BandState {
  tenants: [tenant: string, jobIds: string[]][];
  cursor: number;
  served: number;
}

class Band {
  /** Non-empty queues only: a tenant leaves the ring when its queue empties. */
  private readonly queues = new Map<string, Set<string>>();
  private readonly ring: string[] = [];
  /** Index in `ring` of the tenant whose turn it is. */
  private cursor = 0;
  /** Jobs that tenant has had in its current turn. */
  private served = 0;
  size = 0;

  constructor(private readonly weightOf: (tenant: string) => number) {}

  state(): BandState {
    const tenants: [string, string[]][] = this.ring.map((tenant) => [tenant, [...(this.queues.get(tenant) ?? [])]]);
    return { tenants, cursor: this.cursor, served: this.served };
  }

  restore(state: BandState): void {
    this.queues.clear();
    this.ring.length = 0;
    this.size = 0;
    for (const [tenant, ids] of state.tenants) {
      if (ids.length === 0 || this.queues.has(tenant)) continue;
      this.queues.set(tenant, new Set(ids));
      this.ring.push(tenant);
      this.size += new Set(ids).size;
    }
    this.cursor = this.ring.length === 0 ? 0 : Math.min(Math.max(0, state.cursor), this.ring.length - 1);
    this.served = Math.max(0, state.served);
  }

  push(tenant: string, id: string): void {
    let queue = this.queues.get(tenant);
    if (queue === undefined) {
      queue = new Set();
      this.queues.set(tenant, queue);
      // A tenant that (re)appears queues up behind the others for its turn.
      this.ring.push(tenant);
    }
    if (queue.delete(id)) this.size--;
    queue.add(id);
    this.size++;
  }

  remove(tenant: string, id: string): void {
    const queue = this.queues.get(tenant);
    if (queue === undefined || !queue.delete(id)) return;
    this.size--;
    if (queue.size === 0) this.dropTenant(tenant);
  }

  /**
   * The next job in turn. Tenants that are not `eligible` are passed over and the turn moves
   * to the first eligible one (a dedicated worker does not wait for others, nor does anyone
   * wait for a tenant at its limit). With `scan`, a tenant's next job is the first that
   * fits (BandScan), and a tenant with none is passed over like one not eligible.
   */
  takeOne(eligible: (tenant: string) => boolean, scan?: BandScan): string | undefined {
    const n = this.ring.length;
    for (let k = 0; k < n; k++) {
      const at = (this.cursor + k) % n;
      const tenant = this.ring[at];
      if (tenant === undefined || !eligible(tenant)) continue;
      const queue = this.queues.get(tenant);
      if (queue === undefined) continue;
      const id = scan === undefined ? queue.values().next().value : scan.next(tenant, queue);
      if (id === undefined) continue;
      if (at !== this.cursor) {
        this.cursor = at;
        this.served = 0;
      }
      queue.delete(id);
      this.size--;
      this.served++;
      if (queue.size === 0) this.dropTenant(tenant);
      else if (this.served >= this.weightOf(tenant)) this.advance();
      return id;
    }
    return undefined;
  }

  private advance(): void {
    this.served = 0;
    this.cursor = this.ring.length === 0 ? 0 : (this.cursor + 1) % this.ring.length;
  }

  private dropTenant(tenant: string): void {
    this.queues.delete(tenant);
    const at = this.ring.indexOf(tenant);
    if (at < 0) return;
    this.ring.splice(at, 1);
    if (at < this.cursor) this.cursor--;
    else if (at === this.cursor) this.served = 0; // the next tenant slid into the cursor
    if (this.cursor >= this.ring.length) this.cursor = 0;
  }
}
