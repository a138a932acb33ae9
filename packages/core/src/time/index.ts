// STUB — replaced by the time module's real implementation.
import type { NormalizedTrigger, Schedule, ScheduleDefinition, Trigger } from '../model/schedule.js';

/** SPEC: the next `count` fire instants strictly after `from`. */
export function nextFireTimes(_trigger: Trigger, _from: Date | number, _count: number): Date[] {
  throw new Error('not implemented');
}
/** Validates a user's trigger and fills defaults (tz = UTC). Throws invalid_argument naming the field. */
export function normalizeTrigger(_trigger: Trigger): NormalizedTrigger {
  throw new Error('not implemented');
}
/** The first fire instant strictly after `from`, or undefined when the trigger never fires again. */
export function nextFireAfter(_trigger: NormalizedTrigger, _from: number): number | undefined {
  throw new Error('not implemented');
}
export interface FirePlan {
  /** Instants to create jobs for, oldest first. */
  fireTimes: number[];
  /** Fire times passed over by the misfire policy. */
  skipped: number;
  nextFireAt: number | undefined;
}
/** What a due schedule should fire at `now`, by its misfire policy. */
export function planFires(_schedule: Schedule, _now: number): FirePlan {
  throw new Error('not implemented');
}
/** `nextFireAt` for a schedule being created or replaced. */
export function nextFireOnUpsert(
  _definition: ScheduleDefinition,
  _existing: Schedule | undefined,
  _now: number,
): number | undefined {
  throw new Error('not implemented');
}
