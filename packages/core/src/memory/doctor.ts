import type { DoctorOptions, DoctorReport } from '../store/store.js';
import { Findings } from './doctor-findings.js';
import { checkActiveCounts, checkDelayed, checkLeases, checkListing, checkReadyQueues } from './doctor-jobs.js';
import { checkDependencies, checkGates, checkUniqueKeys } from './doctor-links.js';
import { checkSchedules } from './doctor-schedule-table.js';
import type { MemoryState } from './state.js';

/**
 * The memory store's `doctor`: every structure derived from the job and schedule records
 * is checked against them. Synchronous, like every memory operation, so nothing moves
 * while it looks and each finding is still true when reported.
 *
 * Order matters only for repairs: the children index is rebuilt before blocked jobs are
 * checked against it, a schedule's nextFireAt before the due index is. The memory store
 * keeps no tenant registry and nothing it does not read, so `tenants` and `orphans` do
 * not apply.
 */
export function doctor(state: MemoryState, options: DoctorOptions): DoctorReport {
  const findings = new Findings(options.repair);
  checkReadyQueues(state, findings);
  checkDelayed(state, findings);
  checkLeases(state, findings);
  checkListing(state, findings);
  checkActiveCounts(state, findings);
  checkGates(state, findings);
  checkDependencies(state, findings);
  checkUniqueKeys(state, findings);
  checkSchedules(state, findings, options.now);
  const schedules = state.schedules.all();
  const tenants = new Set([...[...state.jobs.values()].map((job) => job.tenant), ...schedules.map((s) => s.tenant)]);
  return {
    findings: findings.list,
    checked: { tenants: tenants.size, jobs: state.jobs.size, schedules: schedules.length },
  };
}
