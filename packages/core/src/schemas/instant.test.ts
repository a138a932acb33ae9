import { describe, expect, it } from 'vitest';
import { parseInstant } from './instant.js';

describe('parseInstant', () => {
  it.each([
    ['2026-01-01T00:00:00Z', Date.UTC(2026, 0, 1)],
    ['2026-01-01T00:00Z', Date.UTC(2026, 0, 1)],
    ['2026-01-01T05:30:00+05:30', Date.UTC(2026, 0, 1)],
    ['2026-01-01T05:30:00+0530', Date.UTC(2026, 0, 1)],
    ['2026-01-01T05:00:00+05', Date.UTC(2026, 0, 1)],
    ['2025-12-31T20:00:00-04:00', Date.UTC(2026, 0, 1)],
    ['2026-01-01T00:00:00,5Z', Date.UTC(2026, 0, 1) + 500],
    ['2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29)],
    ['0001-01-01T00:00:00Z', -62135596800000],
  ])('reads %s', (text, ms) => {
    expect(parseInstant(text)).toBe(ms);
  });

  it.each([
    '2026-01-01T00:00:00',
    '2026-01-01 00:00:00Z',
    '2026-01-01',
    '1900-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-01-01T00:60:00Z',
    '2026-01-01T00:00:60Z',
    '2026-01-01T00:00:00+24:00',
    '+002026-01-01T00:00:00Z',
    'tomorrow',
    '',
  ])('refuses %j', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });

  it('takes a valid Date, refuses an invalid one', () => {
    expect(parseInstant(new Date(5))).toBe(5);
    expect(parseInstant(new Date(Number.NaN))).toBeUndefined();
  });
});
