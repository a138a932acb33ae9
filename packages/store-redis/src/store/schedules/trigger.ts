import { CadenzaError, type Job, jobFromSchedule } from '@cadenza/core';
import { checkInstant } from '@cadenza/core/store-kit';
import { encodeOptions, encodePayload } from '../../codec.js';
import type { RedisContext } from '../../context.js';
import { localId } from '../../keys.js';
import { scheduleTriggerAnswer } from '../answers.js';
import { decodeRecord } from '../record.js';
import { runTenantScripts } from '../tenant-scripts.js';
import { existingSchedule } from './read.js';

const ATTEMPTS = 20;

/**
 * One job for `scheduledFor = now` (core's jobFromSchedule), whatever the trigger and even
 * while paused; a second trigger in the same millisecond answers the job the first made.
 * The job is built here from the row read, and the schedule-trigger script makes it only
 * if the row is still that one (else we read again), so it never follows an old template.
 */
export async function triggerSchedule(ctx: RedisContext, tenant: string, id: string, now: number): Promise<Job> {
  checkInstant('now', now);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { raw, schedule } = await existingSchedule(ctx, tenant, id);
    const job = jobFromSchedule(schedule, now, now);
    const local = localId(tenant, job.id);
    const [reply] = await runTenantScripts(
      ctx,
      [
        {
          tenant,
          script: 'schedule-trigger',
          args: [now, id, raw, local, job.priority, job.name, encodePayload(job.payload), encodeOptions(job)],
        },
      ],
      { durable: true },
    );
    const made = scheduleTriggerAnswer(reply);
    if (made !== undefined) return decodeRecord(tenant, made.local, made.record);
  }
  throw new CadenzaError(
    'conflict',
    `schedule ${JSON.stringify(id)} of tenant ${JSON.stringify(tenant)} kept changing; try again`,
  );
}
