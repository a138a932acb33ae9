import { CadenzaError, type Schedule } from '@cadenza/core';
import { tooManySchedules } from '@cadenza/core/store-kit';
import type { RedisContext } from '../../context.js';
import { schedulePutAnswer } from '../answers.js';
import { runTenantScripts } from '../tenant-scripts.js';
import { readRow } from './read.js';
import { encodeSchedule } from './row.js';

/** Rounds of read, compute, compare-and-set before giving up on a schedule written that often. */
const ATTEMPTS = 20;

export interface WriteOptions {
  /** Also record the tenant in the cross-tenant tenant set (a schedule may be created). */
  register?: boolean;
  /** Refuse to create the schedule when its tenant holds this many (checked by the script). */
  maxSchedulesPerTenant?: number;
}

/**
 * Read–compute–write with a compare-and-set: `change` gets the row as read ('' for none)
 * and returns the schedule to store (or undefined to store nothing); the schedule-put
 * script writes it only if the row is still the one read, else we read again. Comparing
 * the whole row rather than a version number means a row deleted and written back alike
 * counts as unchanged, which is right: the change computed from it still holds. A new
 * schedule is counted against its tenant's limit inside the script, at the write.
 */
export async function writeSchedule<T>(
  ctx: RedisContext,
  tenant: string,
  id: string,
  change: (raw: string) => { schedule: Schedule | undefined; answer: T },
  options: WriteOptions = {},
): Promise<T> {
  const max = options.maxSchedulesPerTenant;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const raw = await readRow(ctx, tenant, id);
    const { schedule, answer } = change(raw);
    if (schedule === undefined) return answer;
    const [reply] = await runTenantScripts(
      ctx,
      [{ tenant, script: 'schedule-put', args: [id, raw, encodeSchedule(schedule), max ?? ''] }],
      { register: options.register === true, durable: true },
    );
    const put = schedulePutAnswer(reply);
    if (put.outcome === 'written') return answer;
    if (put.outcome === 'refused' && max !== undefined) throw tooManySchedules(tenant, id, put.count, max);
  }
  throw new CadenzaError(
    'conflict',
    `schedule ${JSON.stringify(id)} of tenant ${JSON.stringify(tenant)} kept changing; try again`,
  );
}
