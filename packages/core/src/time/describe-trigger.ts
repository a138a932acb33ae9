// A trigger in plain English, for people reading a schedule (the dashboard, `POST
// /v1/schedules/preview`): "Every 15 minutes", "At 09:30, Monday through Friday". The trigger
// is validated first by the same code that plans fires (triggers.ts, cron.ts), so that a
// bad one throws the CadenzaError every other entry point throws. Times are wall-clock
// times of the schedule's zone; the sentence does not name the zone (docs/time.md).
import type { NormalizedTrigger, Trigger } from '../model/schedule.js';
import { type CronFields, type CronItem, cronFields } from './cron-fields.js';
import { normalizeTrigger } from './triggers.js';

/** Says when `trigger` fires, in English; throws invalid_argument for a trigger that is not valid. */
export function describeTrigger(trigger: Trigger | NormalizedTrigger): string {
  const normal = normalizeTrigger(trigger);
  switch (normal.kind) {
    case 'cron':
      return describeCron(normal.cron);
    case 'every':
      return `Every ${duration(normal.every)}${normal.startAt === undefined ? '' : `, counted from ${isoInstant(normal.startAt)}`}`;
    case 'at':
      return `Once, at ${isoInstant(normal.at)}`;
    case 'manual':
      return 'Only when triggered';
  }
}

/** An instant as ISO-8601 UTC, without milliseconds when it has none. */
function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

const UNITS = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
  ['millisecond', 1],
] as const;

/**
 * A duration in the largest unit that says it simply: whole units when it divides, else
 * the smaller unit up to two of the larger (90 s is "90 seconds"), else units and the rest
 * ("2 hours 30 minutes").
 */
function duration(ms: number): string {
  const parts = durationParts(ms);
  const [only] = parts;
  // "Every minute", not "Every 1 minute".
  return parts.length === 1 && only?.startsWith('1 ') === true ? only.slice(2) : parts.join(' ');
}

function durationParts(ms: number): string[] {
  for (const [unit, size] of UNITS) {
    if (ms < size || (ms % size !== 0 && ms < 2 * size)) continue;
    const count = Math.floor(ms / size);
    return [`${count} ${unit}${count === 1 ? '' : 's'}`, ...durationParts(ms - count * size)];
  }
  return [];
}

// ── cron ────────────────────────────────────────────────────────────────────

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const NTH = ['', 'first', 'second', 'third', 'fourth', 'fifth'];
/** Fixed times are listed ("At 08:00, 12:00 and 18:00") up to this many. */
const MOST_LISTED_TIMES = 8;

/** A cron expression compileCron accepted, in words: its time of day, then its days. */
function describeCron(expression: string): string {
  const fields = cronFields(expression);
  const times = fixedTimes(fields);
  const when = times === undefined ? timePhrase(fields) : `at ${list(times)}`;
  const days = dayPhrase(fields);
  const everyDay = times !== undefined && days === '' ? ', every day' : '';
  return capitalize(`${when}${days}${everyDay}`);
}

/** "08:00", "08:00:30": the times of day when second, minute and hour are plain values, if few. */
function fixedTimes({ seconds, minutes, hours }: CronFields): string[] | undefined {
  const second = seconds === undefined ? [0] : values(seconds);
  const minute = values(minutes);
  const hour = values(hours);
  if (second?.length !== 1 || minute === undefined || hour === undefined) return undefined;
  if (minute.length * hour.length > MOST_LISTED_TIMES) return undefined;
  const s = second[0] ?? 0;
  return hour.flatMap((h) => minute.map((m) => `${pad(h)}:${pad(m)}${s === 0 ? '' : `:${pad(s)}`}`));
}

/** The numbers of a field made only of single values, sorted; undefined otherwise. */
function values(items: readonly CronItem[]): number[] | undefined {
  const out: number[] = [];
  for (const item of items) {
    if (item.kind !== 'value') return undefined;
    out.push(item.value);
  }
  return out.sort((a, b) => a - b);
}

/**
 * The time of day when it is not a few fixed times: the finest field that is not 0 leads
 * ("every 15 minutes", "at minute 5"), the coarser ones follow ("past every 2nd hour").
 */
function timePhrase({ seconds, minutes, hours }: CronFields): string {
  const secondsLead = seconds !== undefined && !(seconds.length === 1 && isValue(seconds[0], 0));
  let phrase: string;
  let pointLike: boolean;
  if (secondsLead) {
    phrase = leading(seconds, 'second');
    pointLike = !isCadence(seconds);
    if (!isAny(minutes)) {
      phrase += ` during ${following(minutes, 'minute')}`;
      pointLike = true;
    } else if (pointLike) {
      phrase += ' past every minute';
      pointLike = false;
    }
  } else {
    phrase = leading(minutes, 'minute');
    pointLike = !isCadence(minutes);
  }
  return phrase + hourPhrase(hours, pointLike);
}

/** The hours after a phrase of seconds or minutes; `pointLike`: that phrase names points ("at minute 5"). */
function hourPhrase(hours: readonly CronItem[], pointLike: boolean): string {
  const [only] = hours;
  if (hours.length === 1 && only !== undefined) {
    if (only.kind === 'any') return pointLike ? ' past every hour' : '';
    if (only.kind === 'value')
      return pointLike ? ` past hour ${pad(only.value)}` : `, between ${span(only.value, only.value)}`;
    if (only.kind === 'range') {
      return pointLike
        ? ` past every hour from ${pad(only.from)} through ${pad(only.to)}`
        : `, between ${span(only.from, only.to)}`;
    }
    if (only.kind === 'step') return ` past ${stepText(only, 'hour', pad)}`;
  }
  return ` past hours ${list(hours.map((item) => itemText(item, 'hour', pad)))}`;
}

/** "08:00 and 18:59": the wall-clock span of hours `from` through `to`. */
function span(from: number, to: number): string {
  return `${pad(from)}:00 and ${pad(to)}:59`;
}

/** A field of seconds or minutes leading the sentence. */
function leading(items: readonly CronItem[], unit: string): string {
  const [only] = items;
  if (items.length === 1 && only !== undefined) {
    switch (only.kind) {
      case 'any':
        return `every ${unit}`;
      case 'value':
        return `at ${unit} ${only.value}`;
      case 'range':
        return `every ${unit} from ${unit} ${only.from} through ${only.to}`;
      case 'step':
        if (only.whole) return only.step === 1 ? `every ${unit}` : `every ${only.step} ${unit}s`;
        return `every ${only.step} ${unit}s from ${unit} ${only.from} through ${only.to}`;
    }
  }
  return `at ${unit}s ${list(items.map((item) => itemText(item, unit, String)))}`;
}

/** Minutes after a phrase of seconds: "during minute 5", "during every 2nd minute". */
function following(items: readonly CronItem[], unit: string): string {
  const [only] = items;
  if (items.length === 1 && only !== undefined) {
    if (only.kind === 'value') return `${unit} ${only.value}`;
    if (only.kind === 'range') return `${unit}s ${only.from} through ${only.to}`;
    if (only.kind === 'step') return stepText(only, unit, String);
  }
  return `${unit}s ${list(items.map((item) => itemText(item, unit, String)))}`;
}

/** "every 2nd hour", "every 2nd hour from 08 through 18". */
function stepText(item: Extract<CronItem, { kind: 'step' }>, unit: string, show: (n: number) => string): string {
  const every = item.step === 1 ? `every ${unit}` : `every ${ordinal(item.step)} ${unit}`;
  return item.whole ? every : `${every} from ${show(item.from)} through ${show(item.to)}`;
}

/** One item of a list of seconds, minutes or hours. */
function itemText(item: CronItem, unit: string, show: (n: number) => string): string {
  switch (item.kind) {
    case 'value':
      return show(item.value);
    case 'range':
      return `${show(item.from)} through ${show(item.to)}`;
    case 'step':
      return stepText(item, unit, show);
    default:
      return `every ${unit}`;
  }
}

/** Whether a field runs on a cadence (`*`, `*∕n`, `a-b∕n`, `a-b`) rather than naming points. */
function isCadence(items: readonly CronItem[]): boolean {
  const [only] = items;
  return (
    items.length === 1 && only !== undefined && (only.kind === 'any' || only.kind === 'step' || only.kind === 'range')
  );
}

function isAny(items: readonly CronItem[]): boolean {
  return items.length === 1 && items[0]?.kind === 'any';
}

function isValue(item: CronItem | undefined, value: number): boolean {
  return item?.kind === 'value' && item.value === value;
}

// ── days ────────────────────────────────────────────────────────────────────

/**
 * The days: day-of-month, day-of-week (either one matching fires, when both are given:
 * docs/time.md), then the months.
 */
function dayPhrase({ daysOfMonth, daysOfWeek, months }: CronFields): string {
  const monthSet = expand(months, 1, 12);
  const monthDay = daysOfMonth.length === 1 ? daysOfMonth[0] : undefined;
  // "on January 1" reads better than "on day 1 of the month, only in January".
  if (monthDay?.kind === 'value' && monthSet.length === 1 && isAny(daysOfWeek)) {
    return ` on ${MONTHS[(monthSet[0] ?? 1) - 1]} ${monthDay.value}`;
  }
  const ofMonth = isAny(daysOfMonth) ? '' : ` ${monthDaysText(daysOfMonth)}`;
  let ofWeek = '';
  if (!isAny(daysOfWeek)) {
    const week = weekDaysText(daysOfWeek);
    ofWeek = ofMonth === '' ? week.alone : `, and on ${week.names}`;
  }
  const inMonths = monthSet.length === 12 ? '' : `, only in ${runs(monthSet, (m) => MONTHS[m - 1] ?? '')}`;
  return `${ofMonth}${ofWeek}${inMonths}`;
}

function monthDaysText(items: readonly CronItem[]): string {
  const [only] = items;
  if (items.length === 1 && only !== undefined) {
    switch (only.kind) {
      case 'value':
        return `on day ${only.value} of the month`;
      case 'last':
        return 'on the last day of the month';
      case 'range':
        return `on days ${only.from} through ${only.to} of the month`;
      case 'step': {
        const every = `on every ${ordinal(only.step)} day of the month`;
        return only.whole ? every : `${every} from day ${only.from} through ${only.to}`;
      }
    }
  }
  if (items.every((item) => item.kind === 'value' || item.kind === 'range')) {
    return `on days ${list(inOrder(items).map((item) => itemText(item, 'day', String)))} of the month`;
  }
  const parts = inOrder(items).map((item) => {
    if (item.kind === 'value') return `day ${item.value}`;
    if (item.kind === 'range') return `days ${item.from} through ${item.to}`;
    if (item.kind === 'last') return 'the last day';
    if (item.kind === 'step') return `every ${ordinal(item.step)} day from day ${item.from} through ${item.to}`;
    return 'every day';
  });
  return `on ${list(parts)} of the month`;
}

/** Days of the month in order, the last day last. */
function inOrder(items: readonly CronItem[]): CronItem[] {
  const start = (item: CronItem) => (item.kind === 'value' ? item.value : 'from' in item ? item.from : 32);
  return [...items].sort((a, b) => start(a) - start(b));
}

/**
 * Days of the week: `alone` when only they restrict the days (", Monday through Friday",
 * " on the last Friday of the month"); `names` after a day-of-month phrase.
 */
function weekDaysText(items: readonly CronItem[]): { alone: string; names: string } {
  const plain = items.filter((item) => item.kind !== 'lastWeekday' && item.kind !== 'nth');
  // Monday first, Sunday last (7), so that MON-SUN and SAT,SUN read in order.
  const days = [...new Set(expand(plain, 0, 7).map((day) => (day === 0 ? 7 : day)))].sort((a, b) => a - b);
  const special = items.flatMap((item) => {
    if (item.kind === 'lastWeekday') return [`the last ${DAYS[item.day]} of the month`];
    if (item.kind === 'nth') return [`the ${NTH[item.nth] ?? ordinal(item.nth)} ${DAYS[item.day]} of the month`];
    return [];
  });
  const named = days.length === 7 ? 'every day of the week' : runs(days, (day) => DAYS[day % 7] ?? '');
  const names = list([...(days.length === 0 ? [] : [named]), ...special]);
  if (special.length > 0) return { alone: ` on ${names}`, names };
  // A single run ("Monday through Friday") needs no "only on".
  const oneRun = days.length >= 3 && days.length < 7 && (days.at(-1) ?? 0) - (days[0] ?? 0) === days.length - 1;
  return { alone: days.length === 7 || oneRun ? `, ${names}` : `, only on ${names}`, names };
}

/** Every number a field's plain items (values, ranges, steps) take, sorted; `*` is all of low..high. */
function expand(items: readonly CronItem[], low: number, high: number): number[] {
  const out = new Set<number>();
  for (const item of items) {
    if (item.kind === 'any') for (let n = low; n <= high; n++) out.add(n);
    if (item.kind === 'value') out.add(item.value);
    if (item.kind === 'range') for (let n = item.from; n <= item.to; n++) out.add(n);
    if (item.kind === 'step') for (let n = item.from; n <= item.to; n += item.step) out.add(n);
  }
  // Sunday is both 0 and 7: the week's `*` counts it once.
  if (high === 7 && out.has(0) && out.has(7) && items.some((item) => item.kind === 'any')) out.delete(0);
  return [...out].sort((a, b) => a - b);
}

/** Sorted numbers as words, three or more in a row as one run: "Monday through Friday and Sunday". */
function runs(numbers: readonly number[], name: (n: number) => string): string {
  const parts: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && (numbers[j + 1] ?? 0) === (numbers[j] ?? 0) + 1) j++;
    const first = numbers[i] ?? 0;
    const last = numbers[j] ?? 0;
    if (j - i >= 2) parts.push(`${name(first)} through ${name(last)}`);
    else for (let k = i; k <= j; k++) parts.push(name(numbers[k] ?? 0));
    i = j + 1;
  }
  return list(parts);
}

// ── words ───────────────────────────────────────────────────────────────────

/** "a", "a and b", "a, b and c". */
function list(parts: readonly string[]): string {
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st… */
function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  const suffix = ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
