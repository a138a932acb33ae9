// Instants given by users: an ISO-8601 date-time with an explicit offset (or Z), or a Date.
// We parse the text ourselves rather than trust Date.parse, which accepts local times (whose
// meaning would depend on the server's zone) and silently rolls over days like Feb 30.
import { invalidArgument } from '../errors.js';

/** The largest instant a Date can hold; nothing fires after it. */
export const MAX_INSTANT = 8.64e15;

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;
const EXPECTED = 'an ISO-8601 instant with an offset or Z (like "2026-03-08T07:30:00Z") or a Date';

function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}

/** Epoch ms of a user's instant; throws invalid_argument naming `field`. */
export function parseInstant(field: string, value: unknown): number {
  if (value instanceof Date) {
    const time = value.getTime();
    if (Number.isFinite(time)) return time;
    throw invalidArgument(field, 'Invalid Date', EXPECTED);
  }
  if (typeof value !== 'string' || value.length > 64) throw invalidArgument(field, value, EXPECTED);
  const match = ISO_INSTANT.exec(value.trim());
  if (match === null) throw invalidArgument(field, value, EXPECTED);
  const [, year, month, day, hour, minute, second, fraction, zulu, sign, offsetHours, offsetMinutes] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second ?? '0');
  const ms = Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  const oh = Number(offsetHours ?? '0');
  const om = Number(offsetMinutes ?? '0');
  const valid =
    mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h <= 23 && mi <= 59 && s <= 59 && oh <= 23 && om <= 59;
  if (!valid) throw invalidArgument(field, value, EXPECTED);
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  const offset = zulu !== undefined ? 0 : (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  const instant = date.getTime() - offset;
  if (Math.abs(instant) > MAX_INSTANT) throw invalidArgument(field, value, EXPECTED);
  return instant;
}
