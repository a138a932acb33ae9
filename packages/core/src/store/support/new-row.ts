import { invalidArgument } from '../../errors.js';
import type { Job, NewJob } from '../../model/job.js';

/**
 * For store implementations: the row an enqueued job becomes, before its status is set
 * (setNewJobStatus), so that every store resolves parents and fills a row alike.
 */

/**
 * The parent ids of `job`, deduplicated, each resolved through `alias` (a batch's job
 * that created nothing stands for the kept job holding its key). A parent must be an
 * existing job of the same tenant (`tenantOf` answers undefined for none), so only an
 * earlier job of the batch: no cycle can form. A job naming itself is refused.
 */
export function resolveParentIds(
  job: NewJob,
  prefix: string,
  alias: ReadonlyMap<string, string>,
  tenantOf: (id: string) => string | undefined,
): string[] {
  const field = `${prefix}dependsOn`;
  const parents: string[] = [];
  for (const given of job.dependsOn) {
    if (given === job.id) throw invalidArgument(field, given, 'ids of other jobs (a job cannot depend on itself)');
    const id = alias.get(given) ?? given;
    // Another tenant's job is reported as unknown: tenants do not learn of each other's ids.
    if (tenantOf(id) !== job.tenant) {
      throw invalidArgument(
        field,
        given,
        `the id of an existing job of tenant ${JSON.stringify(job.tenant)} or of an earlier job in the batch`,
      );
    }
    if (!parents.includes(id)) parents.push(id);
  }
  return parents;
}

/**
 * A fresh row for a job about to be inserted, `waiting` until the caller sets its status.
 * A store that must not keep the caller's objects passes a copy of `input`.
 */
export function newJobRow(input: NewJob, dependsOn: string[], now: number): Job {
  return {
    ...input,
    dependsOn,
    status: 'waiting',
    attempt: 0,
    createdAt: now,
    startedAt: undefined,
    finishedAt: undefined,
    result: undefined,
    error: undefined,
    progress: undefined,
    lease: undefined,
  };
}
