// Zones and daylight saving as the schedule page shows them (docs/time.md "Daylight
// saving"): Node's Intl carries the full zone data, so these are the browser's answers too.
import { describe, expect, it } from 'vitest';
import {
  describeEvery,
  formatInZone,
  formatWithOffset,
  offsetLabel,
  relativeTime,
  utcOffsetMinutes,
  zonedFires,
} from './time.js';

const at = (iso: string) => Date.parse(iso);

describe('relativeTime', () => {
  const now = at('2026-06-01T12:00:00Z');
  it('says how long ago or how soon, in the largest whole unit', () => {
    expect(relativeTime(now - 400, now)).toBe('just now');
    expect(relativeTime(now - 3_000, now)).toBe('3 s ago');
    expect(relativeTime(now + 5 * 60_000 + 10_000, now)).toBe('in 5 min');
    expect(relativeTime(now - 2 * 3_600_000, now)).toBe('2 h ago');
    expect(relativeTime(now - 47 * 3_600_000, now)).toBe('47 h ago');
    expect(relativeTime(now - 4 * 86_400_000, now)).toBe('4 d ago');
  });
});

describe('describeEvery', () => {
  it('names a cadence in its units', () => {
    expect(describeEvery(10_000)).toBe('every 10 s');
    expect(describeEvery(90_000)).toBe('every 1 min 30 s');
    expect(describeEvery(7_200_000)).toBe('every 2 h');
    expect(describeEvery(1_500)).toBe('every 1500 ms');
  });
});

describe('offsets', () => {
  it('reads a zone offset at an instant, daylight saving included', () => {
    expect(utcOffsetMinutes(at('2026-01-15T12:00:00Z'), 'Europe/Berlin')).toBe(60);
    expect(utcOffsetMinutes(at('2026-07-15T12:00:00Z'), 'Europe/Berlin')).toBe(120);
    expect(utcOffsetMinutes(at('2026-01-15T12:00:00Z'), 'America/New_York')).toBe(-300);
    expect(utcOffsetMinutes(at('2026-07-15T12:00:00Z'), 'America/New_York')).toBe(-240);
    expect(utcOffsetMinutes(at('2026-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe(330);
    expect(utcOffsetMinutes(at('2026-07-15T12:00:00Z'), 'UTC')).toBe(0);
  });

  it('labels offsets as UTC±h[:mm]', () => {
    expect(offsetLabel(120)).toBe('UTC+2');
    expect(offsetLabel(-240)).toBe('UTC-4');
    expect(offsetLabel(330)).toBe('UTC+5:30');
    expect(offsetLabel(-570)).toBe('UTC-9:30');
    expect(offsetLabel(0)).toBe('UTC+0');
  });

  it('formats the wall time in a zone, with its offset', () => {
    expect(formatInZone(at('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe('Sun 2026-03-29 03:00:00');
    expect(formatWithOffset(at('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe('Sun 2026-03-29 03:00:00 UTC+2');
    expect(formatWithOffset(at('2026-03-29T01:00:00Z'), 'America/New_York')).toBe('Sat 2026-03-28 21:00:00 UTC-4');
    // Midnight is 00, not 24.
    expect(formatInZone(at('2026-03-01T00:00:00Z'), 'UTC')).toBe('Sun 2026-03-01 00:00:00');
  });
});

describe('zonedFires: daylight-saving shifts between consecutive fires', () => {
  // `0 3 * * *` in Berlin around its spring change (2026-03-29, 02:00 CET → 03:00 CEST).
  const spring = ['2026-03-27T02:00:00Z', '2026-03-28T02:00:00Z', '2026-03-29T01:00:00Z', '2026-03-30T01:00:00Z'].map(
    at,
  );
  // And around its autumn change (2026-10-25, 03:00 CEST → 02:00 CET).
  const autumn = ['2026-10-24T01:00:00Z', '2026-10-25T02:00:00Z', '2026-10-26T02:00:00Z'].map(at);

  it('marks the first fire after Berlin springs forward, and only that one', () => {
    const fires = zonedFires(spring, 'Europe/Berlin');
    expect(fires.map((f) => f.wall.slice(4, 20))).toEqual([
      '2026-03-27 03:00',
      '2026-03-28 03:00',
      '2026-03-29 03:00',
      '2026-03-30 03:00',
    ]);
    expect(fires.map((f) => f.offset)).toEqual(['UTC+1', 'UTC+1', 'UTC+2', 'UTC+2']);
    expect(fires.map((f) => f.shift !== undefined)).toEqual([false, false, true, false]);
    expect(fires[2]?.shift).toEqual({
      from: 'UTC+1',
      to: 'UTC+2',
      direction: 'forward',
      explanation: 'clocks go forward: UTC+1 → UTC+2',
    });
  });

  it('marks the first fire after Berlin falls back', () => {
    const fires = zonedFires(autumn, 'Europe/Berlin');
    expect(fires.map((f) => f.offset)).toEqual(['UTC+2', 'UTC+1', 'UTC+1']);
    expect(fires[1]?.shift?.explanation).toBe('clocks go back: UTC+2 → UTC+1');
    expect(fires[0]?.shift).toBeUndefined();
    expect(fires[2]?.shift).toBeUndefined();
  });

  it('judges each zone by its own clocks: the same instants seen from New York', () => {
    // New York changed on 8 March and changes back on 1 November: around Berlin's changes
    // its offset holds, so no fire is marked in its column.
    expect(zonedFires(spring, 'America/New_York').map((f) => f.shift)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(zonedFires(spring, 'America/New_York').map((f) => f.offset)).toEqual(['UTC-4', 'UTC-4', 'UTC-4', 'UTC-4']);
    expect(zonedFires(autumn, 'America/New_York').some((f) => f.shift !== undefined)).toBe(false);
  });

  it("marks New York's own changes, spring and autumn", () => {
    // `30 2 * * *` in New York: 02:30 does not exist on 8 March 2026 and fires at 03:30 EDT.
    const march = ['2026-03-07T07:30:00Z', '2026-03-08T07:30:00Z', '2026-03-09T06:30:00Z'].map(at);
    const inNewYork = zonedFires(march, 'America/New_York');
    expect(inNewYork.map((f) => f.wall.slice(15))).toEqual(['02:30:00', '03:30:00', '02:30:00']);
    expect(inNewYork.map((f) => f.shift?.explanation)).toEqual([
      undefined,
      'clocks go forward: UTC-5 → UTC-4',
      undefined,
    ]);
    // 1 November 2026, 02:00 EDT → 01:00 EST: an hourly cadence meets 01:00 twice.
    const november = ['2026-11-01T05:00:00Z', '2026-11-01T06:00:00Z'].map(at);
    const hourly = zonedFires(november, 'America/New_York');
    expect(hourly.map((f) => f.wall.slice(15))).toEqual(['01:00:00', '01:00:00']);
    expect(hourly[1]?.shift?.explanation).toBe('clocks go back: UTC-4 → UTC-5');
    // In Berlin those two instants are an ordinary hour apart.
    expect(zonedFires(november, 'Europe/Berlin').some((f) => f.shift !== undefined)).toBe(false);
  });

  it('marks nothing in a zone without daylight saving, and nothing for a single fire', () => {
    expect(zonedFires(spring, 'UTC').some((f) => f.shift !== undefined)).toBe(false);
    expect(zonedFires(spring.slice(2, 3), 'Europe/Berlin')[0]?.shift).toBeUndefined();
    expect(zonedFires([], 'Europe/Berlin')).toEqual([]);
  });
});
