/** Whose turn it was last in a band: the tenant served last and how many it has had this turn. */
interface Turn {
  tenant: string | undefined;
  served: number;
}

/**
 * Fair service within a band (claim.ts): weighted round robin, a tenant of weight w served
 * w jobs in a row per turn, with the turn kept between calls so that many small claims are
 * as fair as one large one. One per claimer: the turn is per process (claim.ts says why
 * the weights still hold for the whole cluster).
 */
export class FairTurns {
  private readonly turns = new Map<number, Turn>();

  constructor(private readonly weights: Readonly<Record<string, number>>) {}

  private weightOf(tenant: string): number {
    const weight = this.weights[tenant];
    return weight !== undefined && weight >= 1 ? Math.floor(weight) : 1;
  }

  /**
   * Hands out `wanted` jobs one at a time in turn order; answers each tenant's share. The
   * order is by name: a tenant whose turn is complete (or that has left the band) is
   * followed by the next name after it, so a tenant that joins the band is served when the
   * turn passes its name, within one round of the others, not after the tenant that was
   * alone in the band has started another turn.
   */
  share(priority: number, tenants: readonly string[], wanted: number): [string, number][] {
    const turn = this.turns.get(priority) ?? { tenant: undefined, served: 0 };
    let k = turn.tenant === undefined ? -1 : tenants.indexOf(turn.tenant);
    let served = turn.served;
    if (k < 0 || served >= this.weightOf(tenants[k] ?? '')) {
      const next = tenants.findIndex((tenant) => tenant > (turn.tenant ?? ''));
      k = Math.max(next, 0);
      served = 0;
    }
    const shares = new Map<string, number>();
    let last = turn;
    for (let n = 0; n < wanted; n++) {
      const tenant = tenants[k] ?? '';
      shares.set(tenant, (shares.get(tenant) ?? 0) + 1);
      served++;
      last = { tenant, served };
      if (served >= this.weightOf(tenant)) {
        k = (k + 1) % tenants.length;
        served = 0;
      }
    }
    this.turns.set(priority, last);
    return [...shares];
  }
}
