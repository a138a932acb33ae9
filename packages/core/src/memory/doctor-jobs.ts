import type { Job } from '../model/job.js';
import type { Findings, Problem } from './doctor-findings.js';
import type { BandState } from './ready-queues.js';
import type { MemoryState } from './state.js';
import type { TimeIndex } from './time-index.js';

/*
 * `doctor` for where jobs sit by status (job-states.ts keeps them there): waiting in its
 * tenant's ready queue of its band, delayed in `delayed` at its runAt, active in `leases`
 * at its lease's expiry, every job in the listing, and the counts kept beside them. Each
 * is derived from the job records alone, so each is repaired by filing again from them.
 */

/** A waiting job is in exactly one ready queue, its tenant's in its band; nothing else is. */
export function checkReadyQueues(state: MemoryState, findings: Findings): void {
  const placed = new Set<string>();
  const problems: Problem[] = [];
  const fixed: BandState[] = state.ready.bandStates().map((band, priority) => ({
    ...band,
    tenants: band.tenants.map(([tenant, ids]): [string, string[]] => [
      tenant,
      ids.filter((id) => {
        const wrong = misplaced(state.jobs.get(id), tenant, priority, placed.has(id));
        if (wrong === undefined) placed.add(id);
        else problems.push({ subject: id, message: `ready queue ${tenant}/${priority} holds it, but ${wrong}` });
        return wrong === undefined;
      }),
    ]),
  }));
  for (const job of state.jobs.values()) {
    if (job.status !== 'waiting' || placed.has(job.id)) continue;
    problems.push({ subject: job.id, message: `waiting job is in no ready queue, so no claim finds it` });
    const band = fixed[job.priority];
    const queue = band?.tenants.find(([tenant]) => tenant === job.tenant);
    if (queue !== undefined) queue[1].push(job.id);
    else band?.tenants.push([job.tenant, [job.id]]);
  }
  // Restoring keeps every queue's order and the turn; a job missing joins its queue's back.
  findings.addRebuilt(
    'placement',
    problems,
    () => state.ready.restore(fixed),
    'ready queues filed again from the job records',
  );

  const kept = state.ready.keptSizes();
  const sizes: Problem[] = [];
  state.ready.bandStates().forEach((band, priority) => {
    const held = band.tenants.reduce((n, [, ids]) => n + ids.length, 0);
    if (kept[priority] !== held) {
      sizes.push({ subject: `band ${priority}`, message: `size kept as ${kept[priority]}, but it holds ${held} jobs` });
    }
  });
  findings.addRebuilt('counts', sizes, () => state.ready.restore(state.ready.bandStates()), 'recounted');
}

function misplaced(job: Job | undefined, tenant: string, priority: number, seen: boolean): string | undefined {
  if (job === undefined) return 'no such job is kept';
  if (seen) return 'another ready queue holds it too';
  if (job.status !== 'waiting') return `the job is ${job.status}`;
  if (job.tenant !== tenant) return `the job is of tenant ${job.tenant}`;
  if (job.priority !== priority) return `the job has priority ${job.priority}`;
  return undefined;
}

/** Delayed jobs are filed by runAt: exactly those, at the record's time. */
export function checkDelayed(state: MemoryState, findings: Findings): void {
  const expected = new Map<string, number>();
  for (const job of state.jobs.values()) {
    if (job.status !== 'delayed') continue;
    if (job.runAt !== undefined) expected.set(job.id, job.runAt);
    // No time to file it at: promoting it now or never would both be a guess.
    else findings.add('indexes', { subject: job.id, message: 'delayed job has no runAt, so it is never promoted' });
  }
  checkTimeIndex(state, findings, 'indexes', state.delayed, expected, 'delayed', new Set());
}

/** Active jobs hold a lease on their record and are filed by its expiry; nothing else is. */
export function checkLeases(state: MemoryState, findings: Findings): void {
  const expected = new Map<string, number>();
  const leaseless = new Set<string>();
  for (const job of state.jobs.values()) {
    if (job.status !== 'active') continue;
    if (job.lease !== undefined) {
      expected.set(job.id, job.lease.expiresAt);
      continue;
    }
    // The token its worker holds is unknown, and whether the worker still runs it: a person
    // decides. An index entry it may still have is left: it is what takes the job back.
    leaseless.add(job.id);
    findings.add('leases', { subject: job.id, message: 'active job has no lease, so no worker can settle it' });
  }
  checkTimeIndex(state, findings, 'leases', state.leases, expected, 'lease', leaseless);
}

/** One index by due time against what the records say (`expected`: id → instant; `leave` is not judged). */
function checkTimeIndex(
  state: MemoryState,
  findings: Findings,
  check: 'indexes' | 'leases',
  index: TimeIndex<string>,
  expected: ReadonlyMap<string, number>,
  what: string,
  leave: ReadonlySet<string>,
): void {
  const filed = new Map(index.entries());
  for (const [id, at] of filed) {
    if (leave.has(id)) continue;
    const want = expected.get(id);
    if (want === undefined) {
      const job = state.jobs.get(id);
      const why = job === undefined ? 'no such job is kept' : `the job is ${job.status}`;
      // Safe: the coordinator passes over such an entry anyway when it falls due.
      findings.add(check, { subject: id, message: `the ${what} index holds it, but ${why}` }, () => {
        index.delete(id);
        return 'dropped from the index';
      });
    } else if (want !== at) {
      const message = `the ${what} index files it at ${iso(at)}, but its record says ${iso(want)}`;
      findings.add(check, { subject: id, message }, () => {
        index.set(id, want);
        return `filed at ${iso(want)}`;
      });
    }
  }
  for (const [id, want] of expected) {
    if (filed.has(id)) continue;
    findings.add(check, { subject: id, message: `missing from the ${what} index, so it never falls due` }, () => {
      index.set(id, want);
      return `filed at ${iso(want)}`;
    });
  }
  if (!index.heapHoldsAll()) {
    const message = `the ${what} index's heap lacks entries it files, so they never fall due`;
    findings.add(check, { subject: `${what} index`, message }, () => {
      index.restore(index.entries());
      return 'heap rebuilt';
    });
  }
}

/** Every job is listed (listJobs) under its tenant, status, name and tags, and nothing else is. */
export function checkListing(state: MemoryState, findings: Findings): void {
  const problems = state.jobs.listing.misfiled(state.jobs.values()).map((id) => ({
    subject: id,
    message: 'the job listing does not file it under exactly its tenant, status, name and tags',
  }));
  const rebuild = () => state.jobs.listing.restore(state.jobs.values());
  findings.addRebuilt('indexes', problems, rebuild, 'listing rebuilt from the job records');
}

/** The active jobs counted per tenant (for `maxActive`) are the active jobs stored. */
export function checkActiveCounts(state: MemoryState, findings: Findings): void {
  const stored = new Map<string, number>();
  for (const job of state.jobs.values()) {
    if (job.status === 'active') stored.set(job.tenant, (stored.get(job.tenant) ?? 0) + 1);
  }
  const kept = state.limits.activeCounts();
  const problems: Problem[] = [];
  for (const tenant of new Set([...stored.keys(), ...kept.keys()])) {
    const [k, n] = [kept.get(tenant) ?? 0, stored.get(tenant) ?? 0];
    if (k !== n) problems.push({ subject: tenant, message: `active count is ${k}, but ${n} active jobs are stored` });
  }
  findings.addRebuilt('counts', problems, () => state.limits.recountActive(state.jobs.values()), 'recounted');
}

/** An instant for a message; one out of Date's range (a damaged record) as its number. */
export function iso(instant: number): string {
  const date = new Date(instant);
  return Number.isNaN(date.getTime()) ? String(instant) : date.toISOString();
}
