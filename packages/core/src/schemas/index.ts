// STUB — replaced by the schemas module's real implementation.
import type { JobInput, NewJob } from '../model/job.js';
import type { Schedule, ScheduleDefinition, ScheduleInput } from '../model/schedule.js';

export interface InputLimits {
  /** Largest payload, in bytes of its JSON text. Default 1 MiB. */
  maxPayloadBytes?: number;
}
/** Validates one job input and turns it into a NewJob (id generated, defaults filled). */
export function prepareJob(_input: JobInput | unknown, _now: number, _limits?: InputLimits): NewJob {
  throw new Error('not implemented');
}
/** The same for a batch; a bad field is named with its index (`jobs.3.name`). */
export function prepareJobs(_inputs: readonly unknown[], _now: number, _limits?: InputLimits): NewJob[] {
  throw new Error('not implemented');
}
/** Validates a schedule input for the schedule `id`. */
export function prepareSchedule(
  _id: string,
  _input: ScheduleInput | unknown,
  _limits?: InputLimits,
): ScheduleDefinition {
  throw new Error('not implemented');
}
/** The job a schedule's fire at `scheduledFor` creates. */
export function jobFromSchedule(_schedule: Schedule | ScheduleDefinition, _scheduledFor: number, _now: number): NewJob {
  throw new Error('not implemented');
}
