import type { DoctorOptions, Schedule } from '@cadenza/core';
import { scheduleFireProblem } from '@cadenza/core/store-kit';
import type { RedisContext } from '../../context.js';
import { tenantKeys } from '../../keys.js';
import { decodeSchedule, encodeSchedule } from '../schedules/row.js';
import { type Findings, repaired } from './findings.js';
import { applyFix } from './problems.js';
import { hashChunks, sortedChunks } from './read-chunks.js';

/**
 * A tenant's schedules: each `nextFireAt` consistent with its trigger (core's
 * scheduleFireProblem, the same for every store), and the fire index `hz` holding exactly
 * the unpaused schedules with a next fire, at that instant. What looks wrong is read again
 * before it is reported; a coordinator firing meanwhile changes the row, and then the
 * check is made on the new one. Repair writes the row only if it is still the one read.
 */
export async function checkSchedules(
  ctx: RedisContext,
  tenant: string,
  options: DoctorOptions,
  findings: Findings,
): Promise<number> {
  const keys = tenantKeys(ctx.prefix, tenant);
  let count = 0;
  for await (const pairs of hashChunks(ctx, keys.schedules)) {
    count += pairs.length;
    // One ZMSCORE per chunk: the fire index's scores of the chunk's schedules.
    const scores = await ctx.redis.zmscore(keys.schedulesDue, ...pairs.map(([id]) => id));
    for (const [k, [id, raw]] of pairs.entries()) {
      const indexed = scores[k] == null ? undefined : Number(scores[k]);
      if (problemsOf(tenant, id, raw, indexed, options.now).length === 0) continue;
      const again = await ctx.redis.hget(keys.schedules, id);
      if (again === null) continue;
      const score = await fireIndexScore(ctx, tenant, id);
      for (const problem of problemsOf(tenant, id, again, score, options.now)) {
        const finding = findings.add('schedules', `${tenant}/${id}`, problem.message);
        if (!options.repair) continue;
        const fixed = fixedRow(decodeSchedule(tenant, id, again), problem.nextFireAt);
        const done = await applyFix(ctx, tenant, ['schedule', id, again, encodeSchedule(fixed), fireScore(fixed)]);
        repaired(finding, done, problem.repair);
      }
    }
  }
  for await (const pairs of sortedChunks(ctx, keys.schedulesDue)) {
    for (const [id] of pairs) {
      if ((await ctx.redis.hexists(keys.schedules, id)) === 1) continue;
      const finding = findings.add(
        'schedules',
        `${tenant}/${id}`,
        'is in the fire index but there is no such schedule',
      );
      if (options.repair)
        repaired(finding, await applyFix(ctx, tenant, ['schedule', id, '', '', '']), 'dropped from the fire index');
    }
  }
  return count;
}

interface ScheduleProblem {
  message: string;
  /** The `nextFireAt` the repaired row gets (the stored one when only the index is off). */
  nextFireAt: number | undefined | 'keep';
  repair: string;
}

function problemsOf(
  tenant: string,
  id: string,
  raw: string,
  score: number | undefined,
  now: number,
): ScheduleProblem[] {
  const schedule = decodeSchedule(tenant, id, raw);
  const problems: ScheduleProblem[] = [];
  const fire = scheduleFireProblem(schedule, now);
  if (fire !== undefined) {
    const next = fire.nextFireAt === undefined ? 'none' : new Date(fire.nextFireAt).toISOString();
    problems.push({ message: fire.message, nextFireAt: fire.nextFireAt, repair: `set nextFireAt to ${next}` });
  }
  const wanted = fireScore(schedule);
  const found = score === undefined ? '' : String(score);
  if (fire === undefined && wanted !== found) {
    const message =
      wanted === ''
        ? `is in the fire index at ${found} but ${schedule.paused ? 'is paused' : 'has no next fire'}`
        : `fire index has ${found === '' ? 'no entry' : found}, its nextFireAt is ${wanted}`;
    problems.push({ message, nextFireAt: 'keep', repair: 'filed again in the fire index' });
  }
  return problems;
}

/** Its score in the fire index: its next fire while unpaused, else '' (not filed). */
function fireScore(schedule: Schedule): string {
  return schedule.paused || schedule.nextFireAt === undefined ? '' : String(schedule.nextFireAt);
}

function fixedRow(schedule: Schedule, nextFireAt: number | undefined | 'keep'): Schedule {
  return nextFireAt === 'keep' ? schedule : { ...schedule, nextFireAt };
}

async function fireIndexScore(ctx: RedisContext, tenant: string, id: string): Promise<number | undefined> {
  const score = await ctx.redis.zscore(tenantKeys(ctx.prefix, tenant).schedulesDue, id);
  return score === null ? undefined : Number(score);
}
