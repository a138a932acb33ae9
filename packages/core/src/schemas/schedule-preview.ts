import type { NormalizedTrigger } from '../model/schedule.js';
import { normalizeTrigger } from '../time/index.js';
import { instantSchema, integer, optional, strictObject } from './fields.js';
import type { InputLimits } from './limits.js';
import { checkEvery, minIntervalMs } from './schedule-limits.js';
import { triggerFields } from './schedule-schema.js';
import { triggerOf } from './trigger.js';
import { parseOrThrow } from './zod-errors.js';

/** The most fires one preview lists (`POST /v1/schedules/preview`). */
export const MAX_PREVIEW_FIRES = 50;
/** The fires a preview lists when `count` is not given. */
export const DEFAULT_PREVIEW_FIRES = 5;

/**
 * The body of `POST /v1/schedules/preview`: a schedule's trigger fields, checked by the very
 * schemas of `PUT /v1/schedules/:id` (schedule-schema.ts), and what to preview.
 */
export const schedulePreviewSchema = strictObject(
  {
    ...triggerFields,
    after: optional(instantSchema),
    count: optional(integer(1, MAX_PREVIEW_FIRES, `an integer from 1 to ${MAX_PREVIEW_FIRES}`)),
  },
  'an object with a trigger (one of cron, every, at or manual) and optionally tz, startAt, after and count',
);

export interface SchedulePreview {
  trigger: NormalizedTrigger;
  /** Fires strictly after this instant (epoch ms) are listed. */
  after: number;
  count: number;
}

/**
 * Checks a preview's body the way prepareSchedule checks a schedule's trigger (the shortest
 * `every` first, then the fields' types, then one kind of trigger, then cron syntax and zone
 * names), so that a trigger is refused with the very message a `PUT` of it would get.
 */
export function prepareSchedulePreview(input: unknown, now: number, limits?: InputLimits): SchedulePreview {
  checkEvery(input, minIntervalMs(limits));
  const body = parseOrThrow(schedulePreviewSchema, input, [], 'body');
  const trigger = normalizeTrigger(triggerOf(body));
  return { trigger, after: body.after ?? now, count: body.count ?? DEFAULT_PREVIEW_FIRES };
}
