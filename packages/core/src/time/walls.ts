// Wall-clock (zone-less) enumeration of a cron expression. A "wall time" here is a local date
// and time written as if it were UTC epoch milliseconds: 2026-03-08 02:30 in any zone is
// Date.UTC(2026, 2, 8, 2, 30). Days come from cron-parser (the day-of-month / day-of-week
// rules, `L`, `#`); times of day are the product hours × minutes × seconds, which we walk
// ourselves because cron-parser's iterator costs 10–25 µs a step and catch-up after a long
// outage must count millions of per-second fire times without visiting them.
import type { CronSpec } from './cron.js';
import { DAY_MS } from './zones.js';

/** The Gregorian calendar (weekdays included) repeats every 400 years: 146 097 days. */
export const CALENDAR_CYCLE_DAYS = 146_097;

function dayOfWall(wall: number): number {
  return Math.floor(wall / DAY_MS);
}

/** First day in `[day, lastDay]` whose date the expression matches, skipping unmatched months whole. */
export function nextMatchingDay(spec: CronSpec, day: number, lastDay: number): number | undefined {
  let current = day;
  while (current <= lastDay) {
    const date = new Date(current * DAY_MS);
    if (!spec.months.has(date.getUTCMonth() + 1)) {
      current = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / DAY_MS;
      continue;
    }
    if (spec.matchesDay(current)) return current;
    current += 1;
  }
  return undefined;
}

/** The first time of day (in seconds) at or after `target` seconds, or undefined past the day's last. */
function ceilTimeOfDay(spec: CronSpec, target: number): number | undefined {
  const hour0 = Math.floor(target / 3600);
  const minute0 = Math.floor((target % 3600) / 60);
  const second0 = target % 60;
  for (const hour of spec.hours) {
    if (hour < hour0) continue;
    if (hour > hour0) return hour * 3600 + spec.minutes[0] * 60 + spec.seconds[0];
    for (const minute of spec.minutes) {
      if (minute < minute0) continue;
      if (minute > minute0) return hour * 3600 + minute * 60 + spec.seconds[0];
      for (const second of spec.seconds) {
        if (second >= second0) return hour * 3600 + minute * 60 + second;
      }
    }
  }
  return undefined;
}

/** How many times of day fall at or before `limit` seconds after midnight. */
function countTimesOfDayUpTo(spec: CronSpec, limit: number): number {
  if (limit < 0) return 0;
  const perHour = spec.minutes.length * spec.seconds.length;
  if (limit >= DAY_MS / 1000 - 1) return spec.hours.length * perHour;
  const hour0 = Math.floor(limit / 3600);
  const minute0 = Math.floor((limit % 3600) / 60);
  const second0 = limit % 60;
  let count = 0;
  for (const hour of spec.hours) {
    if (hour < hour0) count += perHour;
    if (hour !== hour0) continue;
    for (const minute of spec.minutes) {
      if (minute < minute0) count += spec.seconds.length;
      if (minute !== minute0) continue;
      for (const second of spec.seconds) if (second <= second0) count += 1;
    }
  }
  return count;
}

/** The first wall time strictly after `after`, or undefined if there is none within 400 years. */
export function nextWall(spec: CronSpec, after: number): number | undefined {
  const day = dayOfWall(after);
  if (spec.matchesDay(day)) {
    const time = ceilTimeOfDay(spec, Math.floor((after - day * DAY_MS) / 1000) + 1);
    if (time !== undefined) return day * DAY_MS + time * 1000;
  }
  const next = nextMatchingDay(spec, day + 1, day + CALENDAR_CYCLE_DAYS);
  if (next === undefined) return undefined;
  return next * DAY_MS + (spec.hours[0] * 3600 + spec.minutes[0] * 60 + spec.seconds[0]) * 1000;
}

/** Wall times in `(low, high]`, ascending, at most `limit` of them. */
export function wallsBetween(spec: CronSpec, low: number, high: number, limit: number): number[] {
  const walls: number[] = [];
  if (high <= low || limit <= 0) return walls;
  const lastDay = dayOfWall(high);
  let day = nextMatchingDay(spec, dayOfWall(low), lastDay);
  while (day !== undefined) {
    const base = day * DAY_MS;
    for (const hour of spec.hours) {
      const hourBase = base + hour * 3_600_000;
      if (hourBase + 3_599_999 <= low) continue;
      if (hourBase > high) break;
      for (const minute of spec.minutes) {
        const minuteBase = hourBase + minute * 60_000;
        if (minuteBase + 59_999 <= low) continue;
        if (minuteBase > high) break;
        for (const second of spec.seconds) {
          const wall = minuteBase + second * 1000;
          if (wall <= low) continue;
          if (wall > high) break;
          walls.push(wall);
          if (walls.length >= limit) return walls;
        }
      }
    }
    day = nextMatchingDay(spec, day + 1, lastDay);
  }
  return walls;
}

/** How many wall times fall in `(low, high]`, without visiting them: a day at a time. */
export function countWalls(spec: CronSpec, low: number, high: number): number {
  if (high <= low) return 0;
  const lastDay = dayOfWall(high);
  let count = 0;
  let day = nextMatchingDay(spec, dayOfWall(low), lastDay);
  while (day !== undefined) {
    const base = day * DAY_MS;
    count +=
      countTimesOfDayUpTo(spec, Math.floor((high - base) / 1000)) -
      countTimesOfDayUpTo(spec, Math.floor((low - base) / 1000));
    day = nextMatchingDay(spec, day + 1, lastDay);
  }
  return count;
}
