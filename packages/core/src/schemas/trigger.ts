import type { Trigger } from '../model/schedule.js';
import type { ParsedScheduleInput } from './schedule-schema.js';
import { fieldError } from './zod-errors.js';

const KINDS = ['cron', 'every', 'at', 'manual'] as const;

/** The trigger's fields of a parsed body: a schedule's, or a preview's (schedule-preview.ts). */
export type TriggerInput = Pick<ParsedScheduleInput, 'cron' | 'tz' | 'every' | 'startAt' | 'at' | 'manual'>;
const ONE_KIND = 'exactly one of cron, every, at or manual';

/**
 * The trigger of a parsed schedule body: exactly one of cron, every, at or `manual: true`
 * (`manual: false` counts as absent), with `tz` only beside cron and `startAt` only beside
 * every. Instants go on as Dates, so that the time module sees what was validated here.
 */
export function triggerOf(input: TriggerInput): Trigger {
  const given = KINDS.filter((kind) => (kind === 'manual' ? input.manual === true : input[kind] !== undefined));
  const [kind, second] = given;
  if (kind === undefined) throw fieldError(['trigger'], undefined, `${ONE_KIND} (none was given)`);
  if (second !== undefined) {
    throw fieldError(
      [second],
      second === 'at' ? asDate(input.at) : input[second],
      `nothing, since ${kind} is given: a schedule takes ${ONE_KIND}`,
    );
  }
  if (input.tz !== undefined && kind !== 'cron') {
    throw fieldError(['tz'], input.tz, `nothing: tz goes only with cron (this schedule uses ${kind})`);
  }
  if (input.startAt !== undefined && kind !== 'every') {
    throw fieldError(
      ['startAt'],
      asDate(input.startAt),
      `nothing: startAt goes only with every (this schedule uses ${kind})`,
    );
  }
  if (input.cron !== undefined)
    return input.tz === undefined ? { cron: input.cron } : { cron: input.cron, tz: input.tz };
  if (input.every !== undefined) {
    return input.startAt === undefined
      ? { every: input.every }
      : { every: input.every, startAt: new Date(input.startAt) };
  }
  if (input.at !== undefined) return { at: new Date(input.at) };
  return { manual: true };
}

/** Parsed instants are epoch ms; an error shows them as the date the user wrote. */
function asDate(ms: number | undefined): Date | undefined {
  return ms === undefined ? undefined : new Date(ms);
}
