import type { Job } from '@cadenza/core';
import { fits, type Gate, type Gates } from '@cadenza/core/store-kit';
import type { Ctx } from './context.js';
import type { PickJob } from './fairness.js';
import { ACTIVE_HOLDINGS } from './pinned-statements.js';

/*
 * Resource gates at claim time (core's ResourceLimits). What active jobs hold is counted
 * from the jobs themselves (the jobs_active_gates index), once per claim and only when the
 * store has capacities, so a job gives its units back however it stops being active
 * (settled, canceled, released, lease recovered) with nothing to keep in step. Within the
 * claim the count grows with each job taken.
 *
 * A job that does not fit is skipped, still waiting in its place, and the claim looks at
 * the jobs behind it. Holdings only grow during a claim, so a skipped job cannot fit later
 * in it: each queue keeps a cursor past the jobs skipped, and no job is looked at twice.
 * The skipping is bounded (SKIP_BUDGET a claim): past it, a queue whose next job does not
 * fit is passed over, so a claim costs at most the budget plus one look per queue. Jobs
 * behind more than the budget of blocked jobs wait until some of those can start.
 */

/** Jobs that do not fit a claim looks past, over all queues, before it stops skipping. */
const SKIP_BUDGET = 256;
/** Candidates read at a time from one queue. */
const PAGE = 32;

interface Candidate {
  id: string;
  name: string;
  resources: string | null;
  qseq: number;
}

type Holder = Pick<Job, 'name' | 'resources'>;

const parse = (resources: string | null) =>
  resources === null ? undefined : (JSON.parse(resources) as Record<string, number>);

/** The claim-time view of the gates: holdings, and a pick that passes over what cannot start. */
export class ClaimGates {
  private readonly held = new Map<Gate, number>();
  /** Per queue (`priority tenant`), the qseq up to which every waiting job was skipped. */
  private readonly skippedTo = new Map<string, number>();
  private budget = SKIP_BUDGET;

  constructor(
    private readonly ctx: Ctx,
    private readonly gates: Gates,
  ) {
    const active = ctx.sql(ACTIVE_HOLDINGS).all() as {
      name: string;
      resources: string | null;
    }[];
    for (const row of active) this.took({ name: row.name, resources: parse(row.resources) });
  }

  /** A job was taken: it holds its units from now on. */
  took(job: Holder): void {
    for (const [gate, units] of this.gates.needs(job)) this.held.set(gate, (this.held.get(gate) ?? 0) + units);
  }

  private fits(job: Holder): boolean {
    return fits(this.gates, this.gates.needs(job), (gate) => this.held.get(gate) ?? 0);
  }

  /** The first waiting job of the queue, in order, that fits (a PickJob). */
  readonly pick: PickJob = (priority, tenant) => {
    const key = `${priority} ${tenant}`;
    let after = this.skippedTo.get(key);
    for (;;) {
      const page = this.ctx
        .sql(
          `SELECT id, name, resources, qseq FROM jobs
           WHERE status = 'waiting' AND priority = ? AND tenant = ? AND qseq > ? ORDER BY qseq LIMIT ?`,
        )
        .all(priority, tenant, after ?? -1, PAGE) as Candidate[];
      for (const job of page) {
        if (this.fits({ name: job.name, resources: parse(job.resources) })) return job.id;
        after = job.qseq;
        this.skippedTo.set(key, after);
        if (--this.budget <= 0) return false;
      }
      // Empty only when nothing was skipped; else everything left was skipped.
      if (page.length < PAGE) return after === undefined ? undefined : false;
    }
  };
}
