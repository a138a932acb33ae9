// The three ways of reading a series (first after, between, count) must agree with each
// other everywhere, above all around daylight-saving changes, since misfire planning counts
// and lists where nextFireTimes steps one by one.
import { describe, expect, test } from 'vitest';
import type { NormalizedTrigger } from '../model/schedule.js';
import { type FireSeries, lastFires, seriesOf } from './series.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Transition instants (UTC) from the zones' rules, one of each direction per zone. */
const transitions: [zone: string, instant: string][] = [
  ['America/New_York', '2026-03-08T07:00:00Z'],
  ['America/New_York', '2026-11-01T06:00:00Z'],
  ['Europe/Berlin', '2027-03-28T01:00:00Z'],
  ['Europe/Berlin', '2027-10-31T01:00:00Z'],
  ['Australia/Lord_Howe', '2028-04-01T15:00:00Z'],
  ['Australia/Lord_Howe', '2028-09-30T15:30:00Z'],
  ['America/Santiago', '2026-04-05T03:00:00Z'],
  ['America/Santiago', '2026-09-06T04:00:00Z'],
  ['Pacific/Chatham', '2027-04-03T14:00:00Z'],
  ['Pacific/Chatham', '2027-09-25T14:00:00Z'],
];
const crons = [
  '*/15 * * * *',
  '0 * * * *',
  '30 2 * * *',
  '0 0 * * *',
  '45 23 * * *',
  '*/7 */2 * * *',
  '0,30 1-3 * * *',
  '*/20 * * * * *',
  '10,40 0-3 * * *',
];

function chain(series: FireSeries, low: number, high: number): number[] {
  const fires: number[] = [];
  for (let next = series.firstAfter(low); next !== undefined && next <= high; next = series.firstAfter(next)) {
    fires.push(next);
  }
  return fires;
}

describe('cron series agree with themselves around transitions', () => {
  test.each(transitions)('%s at %s', (zone, instant) => {
    const at = Date.parse(instant);
    for (const cron of crons) {
      const series = seriesOf({ kind: 'cron', cron, tz: zone });
      const low = at - DAY - 1234;
      const high = at + DAY;
      const stepped = chain(series, low, high);
      const listed = series.between(low, high, Number.POSITIVE_INFINITY);
      expect(listed, cron).toEqual(stepped);
      expect(new Set(listed).size, cron).toBe(listed.length);
      expect(series.count(low, high), cron).toBe(listed.length);
      // Sub-ranges that start and end inside the transition's piece.
      for (const [a, b] of [
        [at - 1, at + HOUR / 2],
        [at + 15 * 60_000, at + 2 * HOUR],
        [at - 2 * HOUR, at + 60_000],
      ] as const) {
        expect(series.count(a, b), `${cron} (${a}, ${b}]`).toBe(chain(series, a, b).length);
      }
      expect(lastFires(series, low, high, 5), cron).toEqual(listed.slice(-5));
      expect(lastFires(series, low, high, 1), cron).toEqual(listed.slice(-1));
    }
  });

  test('every second fires exactly once per elapsed second, through both changes of a year', () => {
    const series = seriesOf({ kind: 'cron', cron: '* * * * * *', tz: 'America/New_York' });
    const low = Date.parse('2026-03-01T00:00:00Z');
    const high = Date.parse('2026-11-15T00:00:00Z');
    expect(series.count(low, high)).toBe((high - low) / 1000);
  });

  test('a restricted hour fires once a day across the fall-back', () => {
    const series = seriesOf({ kind: 'cron', cron: '30 1 * * *', tz: 'America/New_York' });
    const low = Date.parse('2026-10-01T00:00:00Z');
    const high = Date.parse('2026-12-01T00:00:00Z');
    expect(series.count(low, high)).toBe(61);
  });
});

describe('every and at', () => {
  const every: NormalizedTrigger = { kind: 'every', every: 90_000, startAt: Date.parse('2026-01-01T00:00:30Z') };
  test('every fires at startAt, then each period after it', () => {
    const series = seriesOf(every);
    const start = Date.parse('2026-01-01T00:00:30Z');
    expect(series.firstAfter(start - 1)).toBe(start);
    expect(series.firstAfter(start)).toBe(start + 90_000);
    expect(series.firstAfter(0)).toBe(start);
    expect(series.between(start - 1, start + 270_000, 10)).toEqual([
      start,
      start + 90_000,
      start + 180_000,
      start + 270_000,
    ]);
    expect(series.count(start - 1, start + 270_000)).toBe(4);
    expect(series.count(start, start + 270_000)).toBe(3);
    expect(lastFires(series, start - 1, start + 900_000, 2)).toEqual([start + 810_000, start + 900_000]);
  });

  test('every without startAt is anchored at the Unix epoch', () => {
    const series = seriesOf({ kind: 'every', every: HOUR, startAt: undefined });
    expect(series.firstAfter(Date.parse('2026-06-01T10:20:00Z'))).toBe(Date.parse('2026-06-01T11:00:00Z'));
    // Zones play no part: an hour is 3 600 000 ms through any daylight-saving change.
    const seven = seriesOf({ kind: 'every', every: 7 * 60_000, startAt: undefined });
    const after = seven.firstAfter(Date.parse('2026-03-08T06:59:00Z')) ?? 0;
    expect(after % (7 * 60_000)).toBe(0);
  });

  test('at fires once', () => {
    const at = Date.parse('2027-02-01T00:00:00Z');
    const series = seriesOf({ kind: 'at', at });
    expect(series.firstAfter(at - 1)).toBe(at);
    expect(series.firstAfter(at)).toBeUndefined();
    expect(series.count(at - 1, at)).toBe(1);
    expect(series.between(0, at, 5)).toEqual([at]);
  });

  test('manual never fires', () => {
    const series = seriesOf({ kind: 'manual' });
    expect(series.firstAfter(0)).toBeUndefined();
    expect(series.count(0, 1e13)).toBe(0);
  });
});
