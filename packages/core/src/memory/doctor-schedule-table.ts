import { scheduleFireProblem } from '../store/support/doctor-schedules.js';
import type { Findings, Problem } from './doctor-findings.js';
import { iso } from './doctor-jobs.js';
import type { MemoryState } from './state.js';

/**
 * `doctor` for schedules: each `nextFireAt` passes core's scheduleFireProblem (the check
 * every store shares), the due index files exactly the unpaused schedules with a next
 * fire at that time, and the per-tenant counts (for `maxSchedulesPerTenant`) are right.
 */
export function checkSchedules(state: MemoryState, findings: Findings, now: number): void {
  const table = state.schedules;
  for (const schedule of table.all()) {
    const problem = scheduleFireProblem(schedule, now);
    if (problem === undefined) continue;
    const subject = `${schedule.tenant}/${schedule.id}`;
    findings.add('schedules', { subject, message: problem.message }, () => {
      schedule.nextFireAt = problem.nextFireAt;
      table.put(schedule); // files it in the due index again
      return problem.nextFireAt === undefined ? 'nextFireAt cleared' : `nextFireAt set to ${iso(problem.nextFireAt)}`;
    });
  }

  const rows = new Map(table.rowEntries());
  const filed = new Map(table.dueKeys());
  const nameOf = (key: string) => {
    const schedule = rows.get(key);
    return schedule === undefined ? key.replace('\u0000', '/') : `${schedule.tenant}/${schedule.id}`;
  };
  const refile = (key: string) => () => {
    table.refileDue(key);
    return 'filed again from the schedule';
  };
  for (const [key, at] of filed) {
    const schedule = rows.get(key);
    const want = schedule === undefined || schedule.paused ? undefined : schedule.nextFireAt;
    if (want === at) continue;
    const why =
      schedule === undefined
        ? 'no such schedule is kept'
        : want === undefined
          ? 'it is paused or has no next fire'
          : `its nextFireAt is ${iso(want)}`;
    findings.add(
      'schedules',
      { subject: nameOf(key), message: `the due index files it at ${iso(at)}, but ${why}` },
      refile(key),
    );
  }
  for (const [key, schedule] of rows) {
    if (schedule.paused || schedule.nextFireAt === undefined || filed.has(key)) continue;
    findings.add(
      'schedules',
      { subject: nameOf(key), message: 'missing from the due index, so it never fires' },
      refile(key),
    );
  }
  if (!table.dueHeapHoldsAll()) {
    const message = "the due index's heap lacks schedules it files, so they never fire";
    findings.add('schedules', { subject: 'due index', message }, () => {
      table.rebuildDueHeap();
      return 'heap rebuilt';
    });
  }

  const stored = new Map<string, number>();
  for (const schedule of rows.values()) stored.set(schedule.tenant, (stored.get(schedule.tenant) ?? 0) + 1);
  const kept = table.keptCounts();
  const problems: Problem[] = [];
  for (const tenant of new Set([...stored.keys(), ...kept.keys()])) {
    const [k, n] = [kept.get(tenant) ?? 0, stored.get(tenant) ?? 0];
    if (k !== n) problems.push({ subject: tenant, message: `schedule count is ${k}, but ${n} schedules are stored` });
  }
  findings.addRebuilt('counts', problems, () => table.recount(), 'recounted');
}
