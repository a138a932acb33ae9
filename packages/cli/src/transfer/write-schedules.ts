import type { Fence, Schedule, Store } from '@cadenza/core';
import type { SourceSchedule, TransferSource } from './source.js';

/**
 * The node id under which a transfer briefly leads its target, to set a schedule's next
 * fire when an upsert alone cannot (see `placeSchedule`). A target led by this id was left
 * by an interrupted transfer, not by a running cluster (in-use.ts lets it through).
 */
export const TRANSFER_NODE_ID = 'cadenza-transfer';
const LEASE_MS = 30_000;

export interface ScheduleCounts {
  /** Schedules written into the target. */
  written: number;
  /** Of those, schedules that were in the target already with the same next fire. */
  present: number;
  /** Schedules whose next fire could not be made equal to the source's: `tenant/id` each. */
  unequal: string[];
}

/** Writes every schedule of `source` into `target`, keeping each one's next fire. */
export async function writeSchedules(source: TransferSource, target: Store, now: number): Promise<ScheduleCounts> {
  const counts: ScheduleCounts = { written: 0, present: 0, unequal: [] };
  const lease = leaseOn(target, now);
  try {
    for await (const page of source.schedules()) {
      for (const schedule of page) {
        const before = await target.getSchedule(schedule.definition.tenant, schedule.definition.id);
        const placed = await placeSchedule(target, schedule, now, lease.fence);
        counts.written += 1;
        if (before !== undefined && before.nextFireAt === schedule.nextFireAt) counts.present += 1;
        if (placed.nextFireAt !== schedule.nextFireAt) {
          counts.unequal.push(`${schedule.definition.tenant}/${schedule.definition.id}`);
        }
      }
    }
  } finally {
    await lease.release();
  }
  return counts;
}

/**
 * Upserts a schedule so that its `nextFireAt` equals the source's. The upsert is made as if
 * at the instant just before that fire, so that the store's own rule for a new schedule
 * (the first fire after now) lands on it; upserting it again changes nothing. Where the
 * rule answers otherwise (an `every` that started within its grace, an `at` already fired,
 * a schedule the target held with another next fire), the fire is set the way a leader
 * would set it: `recordFires` with no jobs, under a short lease of the target's leadership.
 */
export async function placeSchedule(
  target: Store,
  { definition, nextFireAt }: SourceSchedule,
  now: number,
  fence: () => Promise<Fence | undefined>,
): Promise<Schedule> {
  const at = nextFireAt === undefined ? now : nextFireAt - 1;
  const { schedule } = await target.upsertSchedule(definitionOf(definition), at);
  if (schedule.nextFireAt === nextFireAt) return schedule;
  const lead = await fence();
  if (lead === undefined) return schedule;
  // recordFires applies only to a running schedule; pausing again keeps the fire just set.
  let current = definition.paused
    ? await target.setSchedulePaused(definition.tenant, definition.id, false, now)
    : schedule;
  if (current.nextFireAt !== undefined) {
    await target.recordFires(
      lead,
      [
        {
          tenant: definition.tenant,
          scheduleId: definition.id,
          expectedNextFireAt: current.nextFireAt,
          jobs: [],
          nextFireAt,
        },
      ],
      now,
    );
  }
  if (definition.paused) await target.setSchedulePaused(definition.tenant, definition.id, true, now);
  current = (await target.getSchedule(definition.tenant, definition.id)) ?? current;
  return current;
}

/** Only the definition's own fields: the source's history is not the target's. */
function definitionOf(d: SourceSchedule['definition']): SourceSchedule['definition'] {
  const { id, tenant, trigger, job, misfire, maxCatchUp, misfireGraceMs, paused } = d;
  return { id, tenant, trigger, job, misfire, maxCatchUp, misfireGraceMs, paused };
}

/** The target's leadership, taken when first needed and given up at the end. */
function leaseOn(
  target: Store,
  now: number,
): { fence: () => Promise<Fence | undefined>; release: () => Promise<void> } {
  let held: Fence | undefined;
  let tried = false;
  return {
    async fence() {
      if (!tried) {
        tried = true;
        const lead = await target.acquireLeadership(TRANSFER_NODE_ID, LEASE_MS, now);
        held = lead === undefined ? undefined : { nodeId: lead.nodeId, epoch: lead.epoch };
      }
      return held;
    },
    async release() {
      if (held !== undefined) await target.releaseLeadership(held);
    },
  };
}
