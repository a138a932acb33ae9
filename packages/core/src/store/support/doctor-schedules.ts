import type { Schedule } from '../../model/schedule.js';
import { nextFireAfter } from '../../time/triggers.js';

/**
 * What `doctor` says of a schedule's `nextFireAt`, for every store alike: undefined when it
 * is consistent with the trigger, else what is wrong and the value that would be right.
 *
 * Consistent means: a manual schedule has none; any other `nextFireAt` is a fire time of its
 * trigger (a paced `every` fires on times of its own series too, so they pass); an unpaused
 * schedule whose trigger still fires after its last fire has one. A `nextFireAt` at or before
 * `lastFireAt` is not a finding: after a clock stepped back the coordinator holds such a value
 * and skips past it (core's planFires), which is the behaviour the check must not second-guess.
 */
export interface ScheduleFireProblem {
  message: string;
  /** What `--repair` writes: the first fire after both `now` and the last fire, as resuming does. */
  nextFireAt: number | undefined;
}

export function scheduleFireProblem(schedule: Schedule, now: number): ScheduleFireProblem | undefined {
  const { trigger, nextFireAt, lastFireAt } = schedule;
  const after = lastFireAt === undefined ? now : Math.max(now, lastFireAt);
  const right = nextFireAfter(trigger, after);
  if (trigger.kind === 'manual') {
    return nextFireAt === undefined
      ? undefined
      : {
          message: `a manual schedule has nextFireAt ${iso(nextFireAt)}; it fires only when triggered`,
          nextFireAt: undefined,
        };
  }
  if (nextFireAt !== undefined) {
    if (nextFireAfter(trigger, nextFireAt - 1) === nextFireAt) return undefined;
    return { message: `nextFireAt ${iso(nextFireAt)} is not a fire time of its trigger`, nextFireAt: right };
  }
  // An `at` that is due but late keeps its own instant until fired; any other
  // trigger without a next fire must have run out of fire times.
  if (schedule.paused || right === undefined) return undefined;
  return { message: `has no nextFireAt, though its trigger fires next at ${iso(right)}`, nextFireAt: right };
}

function iso(instant: number): string {
  return new Date(instant).toISOString();
}
