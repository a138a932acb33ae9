// The fields of a cron expression as items that can be put into words (describe-trigger.ts).
// Only expressions compileCron (cron.ts) accepted come here, so this file does not check
// syntax again: it reads what the parser already validated, names resolved to numbers.
import { DAY_NAMES, MACROS, MONTH_NAMES } from './cron.js';

/** One item of a field's comma-separated list. */
export type CronItem =
  /** `*`, or `?` in a day field. */
  | { kind: 'any' }
  | { kind: 'value'; value: number }
  /** `a-b`, both ends included. */
  | { kind: 'range'; from: number; to: number }
  /** `*∕n` (`whole`), `a∕n` (from a to the field's end) or `a-b∕n`. */
  | { kind: 'step'; from: number; to: number; step: number; whole: boolean }
  /** `L` in the day-of-month field: the month's last day. */
  | { kind: 'last' }
  /** `5L` in the day-of-week field: the month's last Friday. */
  | { kind: 'lastWeekday'; day: number }
  /** `5#2` in the day-of-week field: the month's second Friday. */
  | { kind: 'nth'; day: number; nth: number };

export interface CronFields {
  /** Absent for a 5-field expression (which fires at second 0). */
  seconds?: CronItem[];
  minutes: CronItem[];
  hours: CronItem[];
  daysOfMonth: CronItem[];
  months: CronItem[];
  /** 0 and 7 are Sunday. */
  daysOfWeek: CronItem[];
}

type FieldName = keyof CronFields;

/** Each field's smallest and largest value, for `*∕n` and `a∕n`. */
const BOUNDS: Readonly<Record<FieldName, readonly [number, number]>> = {
  seconds: [0, 59],
  minutes: [0, 59],
  hours: [0, 23],
  daysOfMonth: [1, 31],
  months: [1, 12],
  daysOfWeek: [0, 7],
};

/** The fields of `expression`, which compileCron has accepted (a macro stands for its fields). */
export function cronFields(expression: string): CronFields {
  const text = MACROS[expression.toLowerCase()] ?? expression;
  const parts = text.trim().split(/\s+/);
  const [seconds, ...rest] = parts.length === 6 ? parts : [undefined, ...parts];
  const [minutes = '*', hours = '*', daysOfMonth = '*', months = '*', daysOfWeek = '*'] = rest;
  return {
    ...(seconds === undefined ? {} : { seconds: items(seconds, 'seconds') }),
    minutes: items(minutes, 'minutes'),
    hours: items(hours, 'hours'),
    daysOfMonth: items(daysOfMonth, 'daysOfMonth'),
    months: items(months, 'months'),
    daysOfWeek: items(daysOfWeek, 'daysOfWeek'),
  };
}

function items(field: string, name: FieldName): CronItem[] {
  return resolveNames(field, name)
    .split(',')
    .map((item) => parseItem(item, name));
}

function parseItem(item: string, name: FieldName): CronItem {
  const [low, high] = BOUNDS[name];
  if (item === '*' || item === '?') return { kind: 'any' };
  if (item === 'L') return { kind: 'last' };
  const last = /^(\d+)L$/.exec(item);
  if (last !== null) return { kind: 'lastWeekday', day: Number(last[1]) % 7 };
  const nth = /^(\d+)#(\d+)$/.exec(item);
  if (nth !== null) return { kind: 'nth', day: Number(nth[1]) % 7, nth: Number(nth[2]) };
  const [span = '', step] = item.split('/');
  const [from, to] = span === '*' ? [low, high] : span.split('-').map(Number);
  const start = from ?? low;
  if (step !== undefined) {
    // `a/n` runs from a to the field's end; `*/n` over the whole field.
    return { kind: 'step', from: start, to: to ?? high, step: Number(step), whole: span === '*' };
  }
  if (to !== undefined) return { kind: 'range', from: start, to };
  return { kind: 'value', value: start };
}

/** Month and day names as numbers (`MON-FRI` → `1-5`, `FRIL` → `5L`); `SUN` ending a range is 7. */
function resolveNames(field: string, name: FieldName): string {
  if (name !== 'months' && name !== 'daysOfWeek') return field;
  const names = name === 'months' ? MONTH_NAMES : DAY_NAMES;
  const base = name === 'months' ? 1 : 0;
  return field.replace(/[a-z]{3,4}/gi, (word, offset: number) => {
    const lower = word.toLowerCase();
    const suffix = lower.length === 4 ? 'L' : '';
    const index = names.indexOf(lower.slice(0, 3));
    if (name === 'daysOfWeek' && index === 0 && field[offset - 1] === '-') return `7${suffix}`;
    return `${index + base}${suffix}`;
  });
}
