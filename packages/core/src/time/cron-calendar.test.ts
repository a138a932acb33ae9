// Cron fire times for calendar features (names, ranges, lists, steps, L, #, macros, 6-field
// seconds, day-of-month OR day-of-week, leap years) in zones without daylight saving. Each
// expectation was worked out by hand from the calendar (2026-01-01 is a Thursday; 2028 is a
// leap year whose Feb 29 is a Tuesday), not copied from the implementation.
// Asia/Kolkata is +5:30 all year.
import { describe, expect, test } from 'vitest';
import { nextFireTimes } from './index.js';

type Row = [cron: string, tz: string, from: string, expected: string[]];

const KOLKATA = 'Asia/Kolkata';

/** Runs each row: the next `expected.length` fires after `from` must be exactly `expected`. */
function runTable(rows: Row[]): void {
  test.each(rows)('%s in %s after %s', (cron, tz, from, expected) => {
    const fires = nextFireTimes({ cron, tz }, new Date(from), expected.length);
    expect(fires.map((date) => date.toISOString())).toEqual(expected.map((iso) => new Date(iso).toISOString()));
  });
}

const rows: Row[] = [
  // ── Kolkata (+5:30, no DST) ──
  [
    '30 9 * * 1-5',
    KOLKATA,
    '2026-01-01T00:00:00Z',
    ['2026-01-01T04:00:00Z', '2026-01-02T04:00:00Z', '2026-01-05T04:00:00Z'],
  ],
  ['0 0 L 2 *', KOLKATA, '2027-01-01T00:00:00Z', ['2027-02-27T18:30:00Z', '2028-02-28T18:30:00Z']],
  ['0 12 * * 5#2', KOLKATA, '2026-05-01T00:00:00Z', ['2026-05-08T06:30:00Z', '2026-06-12T06:30:00Z']],
  ['0 12 29 * *', KOLKATA, '2028-02-01T00:00:00Z', ['2028-02-29T06:30:00Z', '2028-03-29T06:30:00Z']],
  [
    '*/45 * * * *',
    KOLKATA,
    '2026-06-30T18:10:00Z',
    ['2026-06-30T18:15:00Z', '2026-06-30T18:30:00Z', '2026-06-30T19:15:00Z'],
  ],
  // ── UTC: calendar features ──
  ['0 0 29 2 *', 'UTC', '2026-01-01T00:00:00Z', ['2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z']],
  ['@yearly', 'UTC', '2026-06-01T00:00:00Z', ['2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z']],
  ['@annually', 'UTC', '2026-06-01T00:00:00Z', ['2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z']],
  ['@monthly', 'UTC', '2028-01-31T00:00:00Z', ['2028-02-01T00:00:00Z', '2028-03-01T00:00:00Z', '2028-04-01T00:00:00Z']],
  ['@weekly', 'UTC', '2026-01-01T00:00:00Z', ['2026-01-04T00:00:00Z', '2026-01-11T00:00:00Z']],
  ['@hourly', 'UTC', '2026-01-01T10:59:59.999Z', ['2026-01-01T11:00:00Z', '2026-01-01T12:00:00Z']],
  ['@midnight', 'UTC', '2027-12-31T12:00:00Z', ['2028-01-01T00:00:00Z']],
  [
    '0 0 15 * FRI',
    'UTC',
    '2026-02-01T00:00:00Z',
    ['2026-02-06T00:00:00Z', '2026-02-13T00:00:00Z', '2026-02-15T00:00:00Z', '2026-02-20T00:00:00Z'],
  ],
  [
    '0 0 1 * MON',
    'UTC',
    '2026-07-25T00:00:00Z',
    ['2026-07-27T00:00:00Z', '2026-08-01T00:00:00Z', '2026-08-03T00:00:00Z'],
  ],
  [
    '0 0 29 2 MON',
    'UTC',
    '2028-02-27T00:00:00Z',
    ['2028-02-28T00:00:00Z', '2028-02-29T00:00:00Z', '2029-02-05T00:00:00Z'],
  ],
  [
    '0 0 * * 5L',
    'UTC',
    '2026-01-01T00:00:00Z',
    ['2026-01-30T00:00:00Z', '2026-02-27T00:00:00Z', '2026-03-27T00:00:00Z'],
  ],
  ['0 0 * * 7L', 'UTC', '2026-01-01T00:00:00Z', ['2026-01-25T00:00:00Z', '2026-02-22T00:00:00Z']],
  [
    '0 0 L * *',
    'UTC',
    '2028-01-31T00:00:00Z',
    ['2028-02-29T00:00:00Z', '2028-03-31T00:00:00Z', '2028-04-30T00:00:00Z'],
  ],
  ['0 0 * * 1#1', 'UTC', '2026-01-01T00:00:00Z', ['2026-01-05T00:00:00Z', '2026-02-02T00:00:00Z']],
  [
    '*/20 * * * * *',
    'UTC',
    '2026-01-01T00:00:00Z',
    ['2026-01-01T00:00:20Z', '2026-01-01T00:00:40Z', '2026-01-01T00:01:00Z'],
  ],
  [
    '0 0 * JAN-MAR SAT,SUN',
    'UTC',
    '2026-03-27T00:00:00Z',
    ['2026-03-28T00:00:00Z', '2026-03-29T00:00:00Z', '2027-01-02T00:00:00Z'],
  ],
  ['0 0 * * 0,7', 'UTC', '2026-01-01T00:00:00Z', ['2026-01-04T00:00:00Z', '2026-01-11T00:00:00Z']],
  ['0 0 * * MON-SUN', 'UTC', '2026-01-01T00:00:00Z', ['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z']],
  ['0 0 ? * MON', 'UTC', '2026-01-01T00:00:00Z', ['2026-01-05T00:00:00Z']],
  ['0 0 1,1,15 * *', 'UTC', '2026-01-01T00:00:00Z', ['2026-01-15T00:00:00Z', '2026-02-01T00:00:00Z']],
  ['59 23 31 12 *', 'UTC', '2027-06-01T00:00:00Z', ['2027-12-31T23:59:00Z', '2028-12-31T23:59:00Z']],
  ['  0   12 * * *  ', 'UTC', '2026-01-01T12:00:00Z', ['2026-01-02T12:00:00Z']],
];

describe('nextFireTimes: cron calendar features', () => {
  test('has enough rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(25);
  });
  runTable(rows);

  test('tz defaults to UTC, and from may be epoch ms', () => {
    const fires = nextFireTimes({ cron: '0 12 * * *' }, Date.parse('2026-01-01T12:00:00Z'), 1);
    expect(fires.map((date) => date.toISOString())).toEqual(['2026-01-02T12:00:00.000Z']);
  });

  test('a rare expression is found quickly (5th Monday of February: leap years starting on Monday)', () => {
    const started = performance.now();
    const fires = nextFireTimes({ cron: '0 0 * 2 1#5', tz: 'America/New_York' }, new Date('2026-01-01T00:00:00Z'), 2);
    expect(fires.map((date) => date.toISOString())).toEqual(['2044-02-29T05:00:00.000Z', '2072-02-29T05:00:00.000Z']);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
