import type { Job } from '../model/job.js';
import { fits, type Gate, type Gates } from '../store/support/gates.js';

/**
 * Named resources and per-name concurrency at claim time (core's ResourceLimits): the units
 * of each gate that active jobs hold, across every tenant. Kept in step by job-states.ts as
 * jobs enter and leave status active (settled, canceled, released, taken back after an
 * expired lease), like the tenant limits' active counts; the holdings follow from the jobs,
 * so snapshots do not hold them. A job's needs follow from its name and `resources`, which
 * never change, so what it gives back is what it took.
 *
 * With no capacity at all (`gates.none`) every method returns at once.
 */
export class GateHoldings {
  private readonly held = new Map<Gate, number>();

  constructor(readonly gates: Gates) {}

  /** Whether `job` could start beside what active jobs hold now. */
  fits(job: Job): boolean {
    if (this.gates.none) return true;
    return fits(this.gates, this.gates.needs(job), (gate) => this.held.get(gate) ?? 0);
  }

  /** `job` became active: it holds its units. */
  started(job: Job): void {
    if (this.gates.none) return;
    for (const [gate, units] of this.gates.needs(job)) this.held.set(gate, (this.held.get(gate) ?? 0) + units);
  }

  /** `job` stopped being active: it gives its units back. */
  stopped(job: Job): void {
    if (this.gates.none) return;
    for (const [gate, units] of this.gates.needs(job)) {
      const left = (this.held.get(gate) ?? 0) - units;
      if (left > 0) this.held.set(gate, left);
      else this.held.delete(gate);
    }
  }

  /** Units held per gate, as kept (for `doctor`, which checks them against the active jobs). */
  heldUnits(): ReadonlyMap<Gate, number> {
    return this.held;
  }

  /** Recounts the holdings from the active jobs in `jobs` (at import). */
  restore(jobs: Iterable<Job>): void {
    this.held.clear();
    for (const job of jobs) if (job.status === 'active') this.started(job);
  }
}
