import { invalidArgument } from '../../errors.js';
import { MAX_PRIORITY, MIN_PRIORITY, type NewJob } from '../../model/job.js';
import { MAX_RESOURCE_UNITS } from '../../schemas/limits.js';

/**
 * For store implementations: the checks of an enqueued batch that come before any store's
 * own logic, shared so that every store names the same field of the same job in a refusal.
 */

/** Field path prefix for the job at `index` of a batch: none for a batch of one. */
export function batchPrefix(length: number, index: number): string {
  return length === 1 ? '' : `jobs.${index}.`;
}

/**
 * The shape checks a store needs before a job enters its indexes or becomes a row (the
 * priority picks a ready band, `dependsOn` feeds the children index). Everything else was
 * validated by core's schemas.
 */
export function checkNewJob(job: NewJob, prefix: string): void {
  if (typeof job !== 'object' || job === null) throw invalidArgument(prefix.slice(0, -1) || 'job', job, 'a job');
  if (typeof job.id !== 'string' || job.id === '') throw invalidArgument(`${prefix}id`, job.id, 'a job id');
  if (typeof job.tenant !== 'string' || job.tenant === '') {
    throw invalidArgument(`${prefix}tenant`, job.tenant, 'a tenant name');
  }
  if (!Number.isInteger(job.priority) || job.priority < MIN_PRIORITY || job.priority > MAX_PRIORITY) {
    throw invalidArgument(`${prefix}priority`, job.priority, `a whole number from ${MIN_PRIORITY} to ${MAX_PRIORITY}`);
  }
  if (!Array.isArray(job.dependsOn) || !job.dependsOn.every((id) => typeof id === 'string')) {
    throw invalidArgument(`${prefix}dependsOn`, job.dependsOn, 'an array of job ids');
  }
  if (job.runAt !== undefined && !Number.isFinite(job.runAt)) {
    throw invalidArgument(`${prefix}runAt`, job.runAt, 'epoch milliseconds or nothing');
  }
  if (job.scheduledFor !== undefined && !Number.isFinite(job.scheduledFor)) {
    throw invalidArgument(`${prefix}scheduledFor`, job.scheduledFor, 'epoch milliseconds or nothing');
  }
  checkResources(job.resources, prefix);
}

/** Units feed the gates' counts: a negative or fractional one would free what others hold. */
function checkResources(resources: NewJob['resources'], prefix: string): void {
  if (resources === undefined) return;
  if (typeof resources !== 'object' || resources === null || Array.isArray(resources)) {
    throw invalidArgument(`${prefix}resources`, resources, 'an object of resource names to units');
  }
  for (const [name, units] of Object.entries(resources)) {
    if (!Number.isSafeInteger(units) || units < 1 || units > MAX_RESOURCE_UNITS) {
      throw invalidArgument(
        `${prefix}resources.${name}`,
        units,
        `a whole number of units from 1 to ${MAX_RESOURCE_UNITS}`,
      );
    }
  }
}
