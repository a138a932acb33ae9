import {
  definedOnly,
  notFound,
  type Schedule,
  type ScheduleDefinition,
  type UpsertScheduleOptions,
  type UpsertScheduleResult,
} from '@cadenza/core';
import {
  checkInstant,
  checkScheduleDefinition,
  scheduleFromDefinition,
  scheduleLimitOf,
  setPaused,
} from '@cadenza/core/store-kit';
import type { RedisContext } from '../../context.js';
import { decodeSchedule } from './row.js';
import { writeSchedule } from './write.js';

/**
 * core's scheduleFromDefinition on the stored row (history carried over), written by
 * compare-and-set; a new schedule must fit its tenant's limit (schedule-put.lua counts).
 */
export async function upsertSchedule(
  ctx: RedisContext,
  definition: ScheduleDefinition,
  now: number,
  options?: UpsertScheduleOptions,
): Promise<UpsertScheduleResult> {
  checkScheduleDefinition(definition);
  checkInstant('now', now);
  const max = scheduleLimitOf(options);
  const { tenant, id } = definition;
  return writeSchedule(
    ctx,
    tenant,
    id,
    (raw) => {
      const existing = raw === '' ? undefined : decodeSchedule(tenant, id, raw);
      // A copy: the caller keeps its definition, we keep nothing of it.
      const schedule = scheduleFromDefinition(structuredClone(definition), existing, now);
      return { schedule, answer: { schedule, created: existing === undefined } };
    },
    { register: true, ...definedOnly({ maxSchedulesPerTenant: max }) },
  );
}

/** core's setPaused: asking for the state it is in already writes nothing. */
export async function setSchedulePaused(
  ctx: RedisContext,
  tenant: string,
  id: string,
  paused: boolean,
  now: number,
): Promise<Schedule> {
  checkInstant('now', now);
  return writeSchedule(ctx, tenant, id, (raw) => {
    if (raw === '') throw notFound(`schedule ${JSON.stringify(id)} of tenant ${JSON.stringify(tenant)}`);
    const schedule = decodeSchedule(tenant, id, raw);
    const changed = setPaused(schedule, paused === true, now);
    return { schedule: changed ? schedule : undefined, answer: schedule };
  });
}
