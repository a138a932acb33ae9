import { describe, expect, test } from 'vitest';
import type { NormalizedTrigger, Schedule, ScheduleDefinition } from '../model/schedule.js';
import { scheduleDefinition } from '../testing/fixtures.js';
import { nextFireOnUpsert } from './index.js';

const MINUTE = 60_000;
const t = (iso: string) => Date.parse(iso);
const NOW = t('2026-06-01T12:00:30Z');

function definition(trigger: NormalizedTrigger, overrides: Partial<ScheduleDefinition> = {}): ScheduleDefinition {
  return scheduleDefinition({ trigger, ...overrides });
}

function stored(def: ScheduleDefinition, state: Partial<Schedule> = {}): Schedule {
  return { ...def, runCount: 3, lastFireAt: undefined, nextFireAt: undefined, createdAt: 0, updatedAt: 0, ...state };
}

const hourly: NormalizedTrigger = { kind: 'cron', cron: '0 * * * *', tz: 'Europe/Berlin' };

describe('nextFireOnUpsert', () => {
  test('a new cron schedule fires next after now', () => {
    expect(nextFireOnUpsert(definition(hourly), undefined, NOW)).toBe(t('2026-06-01T13:00:00Z'));
  });

  test('an unchanged trigger keeps its nextFireAt, even one in the past (a pending misfire)', () => {
    const def = definition(hourly);
    const existing = stored(def, { lastFireAt: t('2026-06-01T09:00:00Z'), nextFireAt: t('2026-06-01T10:00:00Z') });
    expect(nextFireOnUpsert(definition({ ...hourly }), existing, NOW)).toBe(t('2026-06-01T10:00:00Z'));
  });

  test('an unchanged trigger that never fires again stays so', () => {
    const at: NormalizedTrigger = { kind: 'at', at: t('2026-06-01T11:00:00Z') };
    const existing = stored(definition(at), { lastFireAt: t('2026-06-01T11:00:00Z'), nextFireAt: undefined });
    expect(nextFireOnUpsert(definition(at), existing, NOW)).toBeUndefined();
  });

  test('resuming through an upsert does not owe the fires passed while paused', () => {
    const existing = stored(definition(hourly, { paused: true }), {
      lastFireAt: t('2026-06-01T06:00:00Z'),
      nextFireAt: t('2026-06-01T07:00:00Z'),
    });
    expect(nextFireOnUpsert(definition(hourly), existing, NOW)).toBe(t('2026-06-01T13:00:00Z'));
  });

  test('a changed trigger fires next after now', () => {
    const existing = stored(definition(hourly), {
      lastFireAt: t('2026-06-01T12:00:00Z'),
      nextFireAt: t('2026-06-01T13:00:00Z'),
    });
    const quarter: NormalizedTrigger = { kind: 'cron', cron: '*/15 * * * *', tz: 'Europe/Berlin' };
    expect(nextFireOnUpsert(definition(quarter), existing, NOW)).toBe(t('2026-06-01T12:15:00Z'));
    const otherZone: NormalizedTrigger = { kind: 'cron', cron: '0 * * * *', tz: 'Asia/Kolkata' };
    expect(nextFireOnUpsert(definition(otherZone), existing, NOW)).toBe(t('2026-06-01T12:30:00Z'));
  });

  test('a changed trigger never fires at or before the last fire (a clock stepped back)', () => {
    const existing = stored(definition(hourly), { lastFireAt: t('2026-06-01T14:00:00Z') });
    const quarter: NormalizedTrigger = { kind: 'cron', cron: '*/15 * * * *', tz: 'UTC' };
    expect(nextFireOnUpsert(definition(quarter), existing, NOW)).toBe(t('2026-06-01T14:15:00Z'));
  });

  describe('at', () => {
    const at = (iso: string): NormalizedTrigger => ({ kind: 'at', at: t(iso) });
    test('in the future: at', () => {
      expect(nextFireOnUpsert(definition(at('2026-06-02T00:00:00Z')), undefined, NOW)).toBe(t('2026-06-02T00:00:00Z'));
    });
    test('exactly now, or passed within the grace: due at once', () => {
      expect(nextFireOnUpsert(definition({ kind: 'at', at: NOW }), undefined, NOW)).toBe(NOW);
      expect(nextFireOnUpsert(definition(at('2026-06-01T12:00:00Z'), { misfire: 'skip' }), undefined, NOW)).toBe(
        t('2026-06-01T12:00:00Z'),
      );
    });
    test('passed beyond the grace: runs once unless misfire is skip', () => {
      const past = at('2026-06-01T11:00:00Z');
      expect(nextFireOnUpsert(definition(past), undefined, NOW)).toBe(t('2026-06-01T11:00:00Z'));
      expect(nextFireOnUpsert(definition(past, { misfire: 'all' }), undefined, NOW)).toBe(t('2026-06-01T11:00:00Z'));
      expect(nextFireOnUpsert(definition(past, { misfire: 'skip' }), undefined, NOW)).toBeUndefined();
    });
    test('at or before the last fire: never', () => {
      const existing = stored(definition(hourly), { lastFireAt: t('2026-06-01T12:00:00Z') });
      expect(nextFireOnUpsert(definition(at('2026-06-01T12:00:00Z')), existing, NOW)).toBeUndefined();
    });
  });

  describe('every', () => {
    test('a future startAt is the first fire', () => {
      const trigger: NormalizedTrigger = { kind: 'every', every: 10 * MINUTE, startAt: t('2026-06-01T13:05:00Z') };
      expect(nextFireOnUpsert(definition(trigger), undefined, NOW)).toBe(t('2026-06-01T13:05:00Z'));
    });
    test('a startAt that just passed fires at once', () => {
      const trigger: NormalizedTrigger = { kind: 'every', every: 10 * MINUTE, startAt: t('2026-06-01T12:00:00Z') };
      expect(nextFireOnUpsert(definition(trigger), undefined, NOW)).toBe(t('2026-06-01T12:00:00Z'));
    });
    test('a startAt long past anchors the cadence', () => {
      const trigger: NormalizedTrigger = { kind: 'every', every: 10 * MINUTE, startAt: t('2026-01-01T00:05:00Z') };
      expect(nextFireOnUpsert(definition(trigger), undefined, NOW)).toBe(t('2026-06-01T12:05:00Z'));
    });
    test('without startAt, the cadence is anchored at the epoch', () => {
      const trigger: NormalizedTrigger = { kind: 'every', every: 7 * MINUTE, startAt: undefined };
      const next = nextFireOnUpsert(definition(trigger), undefined, NOW) ?? 0;
      expect(next % (7 * MINUTE)).toBe(0);
      expect(next > NOW && next <= NOW + 7 * MINUTE).toBe(true);
    });
  });

  test('manual never fires on its own', () => {
    expect(nextFireOnUpsert(definition({ kind: 'manual' }), undefined, NOW)).toBeUndefined();
  });
});
