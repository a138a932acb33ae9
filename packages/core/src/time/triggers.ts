// Triggers as users write them (docs/time.md "Triggers") and the public next-fire queries.
import { invalidArgument } from '../errors.js';
import type { NormalizedTrigger, Trigger } from '../model/schedule.js';
import { compileCron } from './cron.js';
import { MAX_INSTANT, parseInstant } from './instants.js';
import { seriesOf } from './series.js';
import { isValidZone } from './zones.js';

const KINDS = ['cron', 'every', 'at', 'manual'] as const;
const ONE_KIND = 'exactly one of cron, every, at or manual: true';
/** `nextFireTimes` answers at most this many instants per call, so that one call stays cheap. */
export const MAX_FIRE_TIMES = 10_000;

/** JSON bodies say null where TypeScript callers leave a field out: both mean absent. */
function given(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Validates a user's trigger and fills defaults (tz = UTC). Throws invalid_argument naming the field. */
export function normalizeTrigger(trigger: Trigger | NormalizedTrigger): NormalizedTrigger {
  if (isNormalized(trigger)) return normalizeTrigger(writtenTrigger(trigger));
  if (typeof trigger !== 'object' || trigger === null) throw invalidArgument('trigger', trigger, ONE_KIND);
  const fields = trigger as Record<string, unknown>;
  // `manual: false` next to another kind is how a form says "not manual"; alone it is nothing.
  const kinds = KINDS.filter((kind) => given(fields[kind]) && !(kind === 'manual' && fields[kind] === false));
  const [kind, extra] = kinds;
  if (kind === undefined) throw invalidArgument('trigger', trigger, ONE_KIND);
  if (extra !== undefined) throw invalidArgument(extra, fields[extra], `${ONE_KIND} (${kind} is set too)`);
  if (kind !== 'cron' && given(fields.tz)) {
    throw invalidArgument('tz', fields.tz, `no tz with ${kind}: only cron reads wall-clock time`);
  }
  if (kind !== 'every' && given(fields.startAt)) {
    throw invalidArgument('startAt', fields.startAt, `no startAt with ${kind}: only every has a start`);
  }
  switch (kind) {
    case 'cron':
      return { kind, cron: compileCron(fields.cron).expression, tz: normalizeZone(fields.tz) };
    case 'every':
      return {
        kind,
        every: normalizeEvery(fields.every),
        startAt: given(fields.startAt) ? parseInstant('startAt', fields.startAt) : undefined,
      };
    case 'at':
      return { kind, at: parseInstant('at', fields.at) };
    case 'manual':
      if (fields.manual !== true) throw invalidArgument('manual', fields.manual, 'true');
      return { kind };
  }
}

/**
 * A normalized trigger (a stored schedule's, a prepared body's) is taken too, and checked
 * again as the trigger it was written as, so that no caller can skip the checks.
 */
function isNormalized(trigger: Trigger | NormalizedTrigger): trigger is NormalizedTrigger {
  return typeof trigger === 'object' && trigger !== null && 'kind' in trigger;
}

function writtenTrigger(trigger: NormalizedTrigger): Trigger {
  switch (trigger.kind) {
    case 'cron':
      return { cron: trigger.cron, tz: trigger.tz };
    case 'every':
      return trigger.startAt === undefined
        ? { every: trigger.every }
        : { every: trigger.every, startAt: new Date(trigger.startAt) };
    case 'at':
      return { at: new Date(trigger.at) };
    case 'manual':
      return { manual: true };
    default:
      // An unknown kind: refused below as no trigger at all.
      return {} as Trigger;
  }
}

function normalizeZone(value: unknown): string {
  if (!given(value)) return 'UTC';
  const expected = 'an IANA time zone name like "UTC" or "America/New_York"';
  if (typeof value !== 'string') throw invalidArgument('tz', value, expected);
  const zone = value.trim();
  if (zone === '' || !isValidZone(zone)) throw invalidArgument('tz', value, expected);
  return zone;
}

/**
 * `every` is a whole number of milliseconds, at least 1. The shortest `every` a deployment
 * accepts (`minIntervalMs`) is a limit of the deployment, not of time: prepareSchedule
 * refuses what is shorter, and the coordinator paces what was stored shorter (misfire.ts).
 */
function normalizeEvery(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalidArgument('every', value, 'a whole number of milliseconds, at least 1');
  }
  return value;
}

/** The first fire instant strictly after `from`, or undefined when the trigger never fires again. */
export function nextFireAfter(trigger: NormalizedTrigger, from: number): number | undefined {
  return seriesOf(trigger).firstAfter(from);
}

/** The next `count` fire instants strictly after `from`; fewer when the trigger ends (docs/time.md). */
export function nextFireTimes(trigger: Trigger | NormalizedTrigger, from: Date | number, count: number): Date[] {
  const normalized = normalizeTrigger(trigger);
  const start = from instanceof Date ? from.getTime() : from;
  if (typeof start !== 'number' || !Number.isFinite(start) || Math.abs(start) > MAX_INSTANT) {
    throw invalidArgument('from', from, 'a valid Date or epoch milliseconds');
  }
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_FIRE_TIMES) {
    throw invalidArgument('count', count, `a whole number from 1 to ${MAX_FIRE_TIMES}`);
  }
  const series = seriesOf(normalized);
  const fires: Date[] = [];
  for (let next = series.firstAfter(start); next !== undefined && fires.length < count; ) {
    fires.push(new Date(next));
    if (fires.length < count) next = series.firstAfter(next);
  }
  return fires;
}
