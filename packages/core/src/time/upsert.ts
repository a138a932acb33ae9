// `nextFireAt` for a schedule being created or replaced (Store.upsertSchedule).
import type { NormalizedTrigger, Schedule, ScheduleDefinition } from '../model/schedule.js';
import { nextFireAfter } from './triggers.js';

function sameTrigger(a: NormalizedTrigger, b: NormalizedTrigger): boolean {
  switch (a.kind) {
    case 'cron':
      return b.kind === 'cron' && a.cron === b.cron && a.tz === b.tz;
    case 'every':
      return b.kind === 'every' && a.every === b.every && a.startAt === b.startAt;
    case 'at':
      return b.kind === 'at' && a.at === b.at;
    case 'manual':
      return b.kind === 'manual';
  }
}

/**
 * - Same trigger, same paused state: keep `existing.nextFireAt`, so that re-sending a
 *   definition (a deploy applying its schedules again) neither skips nor repeats a fire, nor
 *   forgives a pending misfire.
 * - Same trigger, paused state changed: the first fire after `now` (times passed while
 *   paused are not owed) and after the last fire.
 * - New or changed trigger: the first fire after both `now` and the last fire (a fire time
 *   is never fired twice). Except for an instant the user named that has just passed, so
 *   that a job created a little late still runs:
 *   - an `at` in the past is due at once if it passed within `misfireGraceMs`; beyond that it
 *     is a misfire and follows the policy: `skip` drops it, `once` and `all` run it once
 *     (planFires does, as the returned `nextFireAt` lies in the past);
 *   - an `every` whose `startAt` passed within `misfireGraceMs` fires at `startAt` first. One
 *     that passed longer ago just anchors the cadence: its first fire is the next after now
 *     (catching up since a start date long gone would surprise).
 */
export function nextFireOnUpsert(
  definition: ScheduleDefinition,
  existing: Schedule | undefined,
  now: number,
): number | undefined {
  const trigger = definition.trigger;
  const lastFireAt = existing?.lastFireAt;
  const after = lastFireAt === undefined ? now : Math.max(now, lastFireAt);
  if (existing !== undefined && sameTrigger(existing.trigger, trigger)) {
    return existing.paused === definition.paused ? existing.nextFireAt : nextFireAfter(trigger, after);
  }
  const named = trigger.kind === 'at' ? trigger.at : trigger.kind === 'every' ? trigger.startAt : undefined;
  if (named !== undefined && named <= now && (lastFireAt === undefined || named > lastFireAt)) {
    const late = now - named > definition.misfireGraceMs;
    if (!late || (trigger.kind === 'at' && definition.misfire !== 'skip')) return named;
  }
  return nextFireAfter(trigger, after);
}
