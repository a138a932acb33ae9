import type { z } from 'zod';
import { boolean, instantSchema, integer, oneOf, optional, strictObject, text } from './fields.js';
import { jobTemplateFields } from './job-schema.js';
import { EXPECTED, MAX_CATCH_UP_LIMIT, MAX_CRON_LENGTH, MAX_DURATION_MS, MAX_TZ_LENGTH } from './limits.js';

/**
 * The trigger's fields as they sit in a schedule's body. Only their types are checked here;
 * trigger.ts checks that exactly one kind is given, and the time module checks the meaning
 * (cron syntax, zone names).
 */
export const triggerFields = {
  cron: optional(text(MAX_CRON_LENGTH, EXPECTED.cron)),
  tz: optional(text(MAX_TZ_LENGTH, EXPECTED.tz)),
  every: optional(integer(1, MAX_DURATION_MS, EXPECTED.every)),
  startAt: optional(instantSchema),
  at: optional(instantSchema),
  manual: optional(boolean(EXPECTED.manual)),
};

/** The body of `PUT /v1/schedules/:id`. Instants (`startAt`, `at`) come out as epoch ms. */
export const scheduleInputSchema = strictObject(
  {
    ...jobTemplateFields,
    ...triggerFields,
    misfire: optional(oneOf(['skip', 'once', 'all'], EXPECTED.misfire)),
    maxCatchUp: optional(integer(1, MAX_CATCH_UP_LIMIT, EXPECTED.maxCatchUp)),
    misfireGraceMs: optional(integer(0, MAX_DURATION_MS, EXPECTED.misfireGraceMs)),
    paused: optional(boolean(EXPECTED.paused)),
  },
  "an object with the schedule's fields (at least name, and one of cron, every, at or manual)",
);

export type ParsedScheduleInput = z.output<typeof scheduleInputSchema>;
