import { newJobId } from '../model/ids.js';
import { DEFAULT_PRIORITY, DEFAULT_TENANT, type NewJob } from '../model/job.js';
import {
  DEFAULT_MAX_CATCH_UP,
  DEFAULT_MISFIRE,
  DEFAULT_MISFIRE_GRACE_MS,
  type Schedule,
  type ScheduleDefinition,
  type ScheduleInput,
} from '../model/schedule.js';
import { normalizeTrigger } from '../time/index.js';
import { nameSchema } from './fields.js';
import type { InputLimits } from './limits.js';
import { checkPayload, maxPayloadBytes } from './payload.js';
import { resourcesField } from './prepare-job.js';
import { checkEvery, minIntervalMs } from './schedule-limits.js';
import { scheduleInputSchema } from './schedule-schema.js';
import { triggerOf } from './trigger.js';
import { parseOrThrow } from './zod-errors.js';

/**
 * Validates a schedule input for the schedule `id` (which must look like a name), under the
 * deployment's limits: the payload's size and the shortest `every`.
 */
export function prepareSchedule(id: string, input: ScheduleInput | unknown, limits?: InputLimits): ScheduleDefinition {
  const scheduleId = parseOrThrow(nameSchema, id, ['id'], 'id');
  checkEvery(input, minIntervalMs(limits));
  const schedule = parseOrThrow(scheduleInputSchema, input, [], 'schedule');
  const payload = schedule.payload === undefined ? null : schedule.payload;
  checkPayload(payload, ['payload'], maxPayloadBytes(limits));
  // The time module checks what only it can: cron syntax, zone names (and names the field).
  const trigger = normalizeTrigger(triggerOf(schedule));
  return {
    id: scheduleId,
    tenant: schedule.tenant ?? DEFAULT_TENANT,
    trigger,
    job: {
      name: schedule.name,
      payload,
      priority: schedule.priority ?? DEFAULT_PRIORITY,
      tags: schedule.tags ?? [],
      maxAttempts: schedule.maxAttempts ?? 1,
      backoff: schedule.backoff,
      timeoutMs: schedule.timeoutMs,
      ...resourcesField(schedule.resources),
    },
    misfire: schedule.misfire ?? DEFAULT_MISFIRE,
    maxCatchUp: schedule.maxCatchUp ?? DEFAULT_MAX_CATCH_UP,
    misfireGraceMs: schedule.misfireGraceMs ?? DEFAULT_MISFIRE_GRACE_MS,
    paused: schedule.paused ?? false,
  };
}

/**
 * The job a schedule's fire at `scheduledFor` creates: ready at once (the coordinator
 * fires when the time has come), carrying `scheduleId` and `scheduledFor` so that a store
 * can create at most one job per fire. `id` is a new random one unless given (the memory
 * store draws it from its own random source). Arrays are copied so that jobs share nothing with
 * the schedule or each other.
 */
export function jobFromSchedule(
  schedule: Schedule | ScheduleDefinition,
  scheduledFor: number,
  now: number,
  id = newJobId(schedule.tenant, now),
): NewJob {
  const template = schedule.job;
  return {
    id,
    name: template.name,
    tenant: schedule.tenant,
    payload: template.payload,
    priority: template.priority,
    tags: [...template.tags],
    maxAttempts: template.maxAttempts,
    backoff: template.backoff === undefined ? undefined : { ...template.backoff },
    timeoutMs: template.timeoutMs,
    idempotencyKey: undefined,
    dependsOn: [],
    runAt: undefined,
    scheduleId: schedule.id,
    scheduledFor,
    ...resourcesField(template.resources),
  };
}
