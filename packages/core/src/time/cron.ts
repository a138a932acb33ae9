// Cron expressions: the only file that imports cron-parser. We use it to parse fields and to
// decide which calendar days match (day-of-month OR day-of-week when both are restricted,
// `L`, `#`), always in UTC mode so that it never applies daylight-saving rules of its own:
// walls.ts enumerates zone-less wall times and cron-series.ts maps them to instants.
//
// Where cron-parser departs from classic cron (and from docs/time.md), we fix the text before it
// sees it, so that its answer is the one users expect:
// - it accepts fewer than 5 fields (and "" as "every minute"): we require 5 or 6;
// - it rejects repeated values (`0,7` for Sunday twice, `1-5,3`): we merge list items;
// - it rejects `MON-SUN` (SUN is 0): a range ending in SUN ends at 7;
// - macros are exact-case and lack `@midnight`: we map our macros ourselves;
// - it accepts Jenkins' `H` (a random value): we refuse it, since coordinators must agree;
// - `?` is a wildcard in any field: we allow it only as a whole day-of-month/day-of-week.
import { type CronExpression, CronExpressionParser } from 'cron-parser';
import { invalidArgument } from '../errors.js';
import { CALENDAR_CYCLE_DAYS, nextMatchingDay } from './walls.js';
import { DAY_MS } from './zones.js';

export type Values = readonly [number, ...number[]];

/** A parsed cron expression, ready for walls.ts. */
export interface CronSpec {
  /** The expression as stored: trimmed, single-spaced, a macro in lower case. */
  readonly expression: string;
  readonly seconds: Values;
  readonly minutes: Values;
  readonly hours: Values;
  readonly months: ReadonlySet<number>;
  /**
   * The hour field is `*` or `*∕n`: the cadence runs in real time through a repeated
   * (fall-back) hour instead of firing only at the first occurrence (docs/time.md).
   */
  readonly hourCadence: boolean;
  /** Whether the calendar day `day` (days since 1970-01-01) matches month, day-of-month and day-of-week. */
  matchesDay(day: number): boolean;
}

/** The macros and the fields each stands for (cron-fields.ts reads them too). */
export const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
export const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
export const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FIELD_NAMES = ['second', 'minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek'] as const;
type FieldName = (typeof FIELD_NAMES)[number];
const LABELS: Readonly<Record<FieldName, string>> = {
  second: 'second',
  minute: 'minute',
  hour: 'hour',
  dayOfMonth: 'day-of-month',
  month: 'month',
  dayOfWeek: 'day-of-week',
};
const SHAPE = '5 fields "minute hour day-of-month month day-of-week", or 6 with leading seconds, or a macro';
const CACHE_LIMIT = 1000;
const cache = new Map<string, CronSpec>();

/** Parses and validates a cron expression; throws invalid_argument naming `cron`. */
export function compileCron(input: unknown): CronSpec {
  if (typeof input !== 'string') throw invalidArgument('cron', input, `a string: ${SHAPE}`);
  // cron-parser's own limit; listing every value of every field takes about half of it.
  if (input.length > 1024) throw invalidArgument('cron', input, `at most 1024 characters: ${SHAPE}`);
  let expression = input.trim().replace(/\s+/g, ' ');
  const cached = cache.get(expression);
  if (cached !== undefined) return cached;
  let text = expression;
  if (expression.startsWith('@')) {
    expression = expression.toLowerCase();
    const macro = MACROS[expression];
    if (macro === undefined) throw invalidArgument('cron', input, `one of ${Object.keys(MACROS).join(', ')}`);
    text = macro;
  }
  const parts = text === '' ? [] : text.split(' ');
  if (parts.length !== 5 && parts.length !== 6) {
    throw invalidArgument('cron', input, `${SHAPE} (got ${parts.length} fields)`);
  }
  const raw = parts.length === 6 ? parts : ['0', ...parts];
  const fields = FIELD_NAMES.map((name, index) => prepareField(input, name, raw[index] ?? ''));
  const parsed = parse(input, fields.join(' '));
  const spec = toSpec(expression, parsed, fields[2] ?? '');
  if (nextMatchingDay(spec, 0, CALENDAR_CYCLE_DAYS) === undefined) {
    throw invalidArgument('cron', input, 'an expression that matches some date (this one never fires)');
  }
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(expression, spec);
  return spec;
}

function parse(input: string, text: string): CronExpression {
  try {
    return CronExpressionParser.parse(text, { tz: 'UTC', strict: false });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidArgument('cron', input, `${SHAPE} (${reason})`);
  }
}

/** Checks one field's characters, resolves names and merges repeated list values. */
function prepareField(input: string, name: FieldName, value: string): string {
  const fail = (why: string) => invalidArgument('cron', input, `${SHAPE}; the ${LABELS[name]} field ${why}`);
  if (value === '?') {
    if (name === 'dayOfMonth' || name === 'dayOfWeek') return '*';
    throw fail('cannot be "?"');
  }
  let field = value;
  if (name === 'month' || name === 'dayOfWeek') field = resolveNames(field, name, fail);
  const allowed = name === 'dayOfMonth' ? /^[\d*,/L-]+$/ : name === 'dayOfWeek' ? /^[\d*,/L#-]+$/ : /^[\d*,/-]+$/;
  if (!allowed.test(field)) throw fail(`has an unexpected character in "${value}"`);
  if (field.includes(',') && !/[L#]/.test(field)) field = mergeListItems(input, name, field);
  return field;
}

function resolveNames(field: string, name: FieldName, fail: (why: string) => Error): string {
  const names = name === 'month' ? MONTH_NAMES : DAY_NAMES;
  const base = name === 'month' ? 1 : 0;
  return field.replace(/[a-z]+/gi, (word, offset: number) => {
    const lower = word.toLowerCase();
    if (lower === 'l' && name === 'dayOfWeek') return 'L';
    const suffix = name === 'dayOfWeek' && lower.length === 4 && lower.endsWith('l') ? 'L' : '';
    const index = names.indexOf(suffix === '' ? lower : lower.slice(0, 3));
    if (index < 0) throw fail(`has an unknown name "${word}"`);
    // SUN is 0, but as the end of a range (MON-SUN) it means 7, as in most crons.
    if (name === 'dayOfWeek' && index === 0 && field[offset - 1] === '-') return `7${suffix}`;
    return `${index + base}${suffix}`;
  });
}

/** Rewrites a list with repeated values as the sorted list of its distinct values. */
function mergeListItems(input: string, name: FieldName, field: string): string {
  const position = FIELD_NAMES.indexOf(name);
  const seen = new Set<number>();
  let repeated = false;
  for (const item of field.split(',')) {
    const probe = FIELD_NAMES.map((_, index) => (index === position ? item : '*')).join(' ');
    for (const value of parse(input, probe).fields[name].values) {
      if (typeof value !== 'number') continue;
      const normal = name === 'dayOfWeek' ? value % 7 : value;
      if (seen.has(normal)) repeated = true;
      seen.add(normal);
    }
  }
  if (!repeated) return field;
  return [...seen].sort((a, b) => a - b).join(',');
}

function toSpec(expression: string, parsed: CronExpression, hourField: string): CronSpec {
  const numbers = (values: readonly (number | string)[], label: string): Values => {
    const list = values.filter((value): value is number => typeof value === 'number').sort((a, b) => a - b);
    const [first, ...rest] = list;
    if (first === undefined) throw invalidArgument('cron', expression, `a ${label} field with some value`);
    return [first, ...rest];
  };
  const seconds = numbers(parsed.fields.second.values, 'second');
  const minutes = numbers(parsed.fields.minute.values, 'minute');
  const hours = numbers(parsed.fields.hour.values, 'hour');
  const months = new Set(numbers(parsed.fields.month.values, 'month'));
  // includesDate checks every field, so ask about the day's first matching time.
  const firstTime = (hours[0] * 3600 + minutes[0] * 60 + seconds[0]) * 1000;
  return {
    expression,
    seconds,
    minutes,
    hours,
    months,
    hourCadence: /^\*(\/\d+)?$/.test(hourField),
    matchesDay: (day) => parsed.includesDate(new Date(day * DAY_MS + firstTime)),
  };
}
