import { invalidArgument } from '../../errors.js';
import type { NewJob } from '../../model/job.js';
import type { ScheduleDefinition } from '../../model/schedule.js';
import type { ScheduleFire } from '../store.js';
import { checkInstant, checkText } from './arguments.js';
import { checkNewJob } from './new-job.js';

const TRIGGER_KINDS = ['cron', 'every', 'at', 'manual'];

/**
 * For store implementations: shape checks for a schedule definition given to
 * `upsertSchedule` (core's schemas validated its content).
 */
export function checkScheduleDefinition(definition: ScheduleDefinition): void {
  if (typeof definition !== 'object' || definition === null) {
    throw invalidArgument('schedule', definition, 'a schedule definition');
  }
  checkText('id', definition.id);
  checkText('tenant', definition.tenant);
  const kind = (definition.trigger as { kind?: unknown } | undefined)?.kind;
  if (typeof kind !== 'string' || !TRIGGER_KINDS.includes(kind)) {
    throw invalidArgument('trigger', definition.trigger, 'a normalized trigger (see normalizeTrigger)');
  }
  if (typeof definition.job !== 'object' || definition.job === null) {
    throw invalidArgument('job', definition.job, 'a job template');
  }
}

/**
 * For store implementations: checks a `recordFires` batch before anything is written.
 * `jobExists` asks the store whether a job id is taken already: a fire's jobs are new.
 */
export function checkFires(fires: readonly ScheduleFire[], jobExists: (id: string) => boolean): void {
  if (!Array.isArray(fires)) throw invalidArgument('fires', fires, 'an array of fires');
  const ids = new Set<string>();
  fires.forEach((fire, i) => {
    checkText(`fires.${i}.tenant`, fire.tenant);
    checkText(`fires.${i}.scheduleId`, fire.scheduleId);
    checkInstant(`fires.${i}.expectedNextFireAt`, fire.expectedNextFireAt);
    if (fire.nextFireAt !== undefined) checkInstant(`fires.${i}.nextFireAt`, fire.nextFireAt);
    if (!Array.isArray(fire.jobs)) throw invalidArgument(`fires.${i}.jobs`, fire.jobs, 'an array of jobs');
    fire.jobs.forEach((job: NewJob, j: number) => {
      const prefix = `fires.${i}.jobs.${j}.`;
      checkNewJob(job, prefix);
      if (job.tenant !== fire.tenant || job.scheduleId !== fire.scheduleId || job.scheduledFor === undefined) {
        throw invalidArgument(
          `${prefix}scheduleId`,
          job.scheduleId,
          `a job of this fire: tenant ${fire.tenant}, scheduleId ${fire.scheduleId}, with scheduledFor`,
        );
      }
      // Fires have no parents; with none, planning a fire's jobs later cannot fail.
      if (job.dependsOn.length > 0) throw invalidArgument(`${prefix}dependsOn`, job.dependsOn, 'no parents');
      if (ids.has(job.id) || jobExists(job.id)) {
        throw invalidArgument(`${prefix}id`, job.id, 'a new job id, used once');
      }
      ids.add(job.id);
    });
  });
}
