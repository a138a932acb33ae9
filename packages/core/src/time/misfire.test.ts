import { describe, expect, test } from 'vitest';
import type { NormalizedTrigger, Schedule } from '../model/schedule.js';
import { scheduleDefinition } from '../testing/fixtures.js';
import { planFires } from './index.js';
import { MAX_ON_TIME_FIRES } from './misfire.js';

const MINUTE = 60_000;
const t = (iso: string) => Date.parse(iso);
const iso = (instants: number[]) => instants.map((instant) => new Date(instant).toISOString());

function schedule(overrides: Partial<Schedule> & { trigger: NormalizedTrigger }): Schedule {
  return {
    ...scheduleDefinition(),
    runCount: 0,
    lastFireAt: undefined,
    nextFireAt: undefined,
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

const everyMinute: NormalizedTrigger = { kind: 'cron', cron: '* * * * *', tz: 'UTC' };

describe('a per-minute cron after a 10-minute outage', () => {
  // Last fired 12:00; the coordinator comes back at 12:10:30. Due: 12:01 … 12:10. With a
  // 60 s grace, 12:10 is on time (30 s late) and 12:01 … 12:09 are missed.
  const base = {
    trigger: everyMinute,
    lastFireAt: t('2026-01-01T12:00:00Z'),
    nextFireAt: t('2026-01-01T12:01:00Z'),
  };
  const now = t('2026-01-01T12:10:30Z');
  const minutes = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `2026-01-01T12:${String(from + i).padStart(2, '0')}:00.000Z`);

  test('skip runs only the on-time fire', () => {
    const plan = planFires(schedule({ ...base, misfire: 'skip' }), now);
    expect(iso(plan.fireTimes)).toEqual(minutes(10, 10));
    expect(plan.skipped).toBe(9);
    expect(plan.nextFireAt).toBe(t('2026-01-01T12:11:00Z'));
  });

  test('once runs the latest missed fire, then the on-time one', () => {
    const plan = planFires(schedule({ ...base, misfire: 'once' }), now);
    expect(iso(plan.fireTimes)).toEqual(minutes(9, 10));
    expect(plan.skipped).toBe(8);
    expect(plan.nextFireAt).toBe(t('2026-01-01T12:11:00Z'));
  });

  test('all runs every missed fire, oldest first', () => {
    const plan = planFires(schedule({ ...base, misfire: 'all' }), now);
    expect(iso(plan.fireTimes)).toEqual(minutes(1, 10));
    expect(plan.skipped).toBe(0);
  });

  test('all keeps the newest maxCatchUp missed fires', () => {
    const plan = planFires(schedule({ ...base, misfire: 'all', maxCatchUp: 3 }), now);
    expect(iso(plan.fireTimes)).toEqual(minutes(7, 10));
    expect(plan.skipped).toBe(6);
  });

  test('all with maxCatchUp 0 is skip', () => {
    const plan = planFires(schedule({ ...base, misfire: 'all', maxCatchUp: 0 }), now);
    expect(iso(plan.fireTimes)).toEqual(minutes(10, 10));
    expect(plan.skipped).toBe(9);
  });

  test('a larger grace turns missed fires into on-time ones', () => {
    const plan = planFires(schedule({ ...base, misfire: 'skip', misfireGraceMs: 5 * MINUTE }), now);
    expect(iso(plan.fireTimes)).toEqual(minutes(6, 10));
    expect(plan.skipped).toBe(5);
  });

  test('a zero grace misses every late fire', () => {
    const plan = planFires(schedule({ ...base, misfire: 'skip', misfireGraceMs: 0 }), now);
    expect(plan.fireTimes).toEqual([]);
    expect(plan.skipped).toBe(10);
  });
});

describe('a takeover within the grace', () => {
  test('fires the late fires, whatever the policy', () => {
    for (const misfire of ['skip', 'once', 'all'] as const) {
      const plan = planFires(
        schedule({ trigger: everyMinute, misfire, misfireGraceMs: 2 * MINUTE, nextFireAt: t('2026-01-01T12:01:00Z') }),
        t('2026-01-01T12:02:50Z'),
      );
      expect(iso(plan.fireTimes), misfire).toEqual(['2026-01-01T12:01:00.000Z', '2026-01-01T12:02:00.000Z']);
      expect(plan.skipped, misfire).toBe(0);
      expect(plan.nextFireAt, misfire).toBe(t('2026-01-01T12:03:00Z'));
    }
  });

  test('a fire exactly misfireGraceMs late is on time', () => {
    const plan = planFires(
      schedule({ trigger: everyMinute, misfire: 'skip', nextFireAt: t('2026-01-01T12:01:00Z') }),
      t('2026-01-01T12:02:00Z'),
    );
    expect(iso(plan.fireTimes)).toEqual(['2026-01-01T12:01:00.000Z', '2026-01-01T12:02:00.000Z']);
  });
});

describe('bounded enumeration', () => {
  // A per-second cron, down for 30 days: 2 592 000 due fire times, 61 of them on time.
  const nextFireAt = t('2026-01-01T00:00:01Z');
  const now = t('2026-01-31T00:00:00Z');
  const perSecond: NormalizedTrigger = { kind: 'cron', cron: '* * * * * *', tz: 'UTC' };
  const due = 30 * 86_400;

  test.each([
    ['skip', 0, 61],
    ['once', 1, 62],
    ['all', 100, 161],
  ] as const)('%s plans quickly', (misfire, caughtUp, fires) => {
    const started = performance.now();
    const plan = planFires(schedule({ trigger: perSecond, misfire, nextFireAt }), now);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(plan.fireTimes.length).toBe(fires);
    expect(plan.skipped).toBe(due - 61 - caughtUp);
    // Consecutive seconds ending at now, oldest first.
    expect(plan.fireTimes[0]).toBe(now - (fires - 1) * 1000);
    expect(plan.fireTimes.at(-1)).toBe(now);
    expect(plan.nextFireAt).toBe(now + 1000);
  });

  test('the same across both daylight-saving changes of a year in New York', () => {
    const started = performance.now();
    const plan = planFires(
      schedule({
        trigger: { kind: 'cron', cron: '* * * * * *', tz: 'America/New_York' },
        misfire: 'all',
        nextFireAt: t('2026-03-01T00:00:00Z'),
      }),
      t('2026-11-15T00:00:00Z'),
    );
    expect(performance.now() - started).toBeLessThan(1000);
    const elapsed = (t('2026-11-15T00:00:00Z') - t('2026-03-01T00:00:00Z')) / 1000 + 1;
    expect(plan.fireTimes.length).toBe(161);
    expect(plan.skipped).toBe(elapsed - 161);
  });

  test('on-time fires are capped under a huge grace', () => {
    const plan = planFires(
      schedule({ trigger: perSecond, misfire: 'skip', misfireGraceMs: 86_400_000, nextFireAt }),
      t('2026-01-02T00:00:00Z'),
    );
    expect(plan.fireTimes.length).toBe(MAX_ON_TIME_FIRES);
    expect(plan.fireTimes.at(-1)).toBe(t('2026-01-02T00:00:00Z'));
    expect(plan.skipped).toBe(86_400 - MAX_ON_TIME_FIRES);
  });
});

describe('other triggers and guards', () => {
  test('an hourly report missed at 09:00 runs once even though 10:00 is on time', () => {
    const plan = planFires(
      schedule({
        trigger: { kind: 'cron', cron: '0 * * * *', tz: 'Europe/Berlin' },
        lastFireAt: t('2026-06-01T06:00:00Z'),
        nextFireAt: t('2026-06-01T07:00:00Z'),
      }),
      t('2026-06-01T08:00:30Z'),
    );
    expect(iso(plan.fireTimes)).toEqual(['2026-06-01T07:00:00.000Z', '2026-06-01T08:00:00.000Z']);
    expect(plan.skipped).toBe(0);
  });

  test('a restricted hour caught up across the fall-back fires each first occurrence', () => {
    const plan = planFires(
      schedule({
        trigger: { kind: 'cron', cron: '30 1 * * *', tz: 'America/New_York' },
        misfire: 'all',
        nextFireAt: t('2026-10-31T05:30:00Z'),
      }),
      t('2026-11-02T12:00:00Z'),
    );
    expect(iso(plan.fireTimes)).toEqual([
      '2026-10-31T05:30:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
    expect(plan.nextFireAt).toBe(t('2026-11-03T06:30:00Z'));
  });

  test('an at fires once and ends', () => {
    const at = t('2026-05-01T09:00:00Z');
    const plan = planFires(schedule({ trigger: { kind: 'at', at }, nextFireAt: at }), at + 10 * MINUTE);
    expect(plan).toEqual({ fireTimes: [at], skipped: 0, nextFireAt: undefined });
    const skipped = planFires(
      schedule({ trigger: { kind: 'at', at }, misfire: 'skip', nextFireAt: at }),
      at + 10 * MINUTE,
    );
    expect(skipped).toEqual({ fireTimes: [], skipped: 1, nextFireAt: undefined });
  });

  test('every after a 2-hour outage', () => {
    const start = t('2026-01-01T00:00:00Z');
    const plan = planFires(
      schedule({
        trigger: { kind: 'every', every: 15 * MINUTE, startAt: start },
        misfire: 'all',
        maxCatchUp: 4,
        nextFireAt: start + 15 * MINUTE,
      }),
      start + 2 * 60 * MINUTE + 10_000,
    );
    // Due: 00:15 … 02:00 (8); 02:00 is on time; 01:00 … 01:45 caught up; 00:15 … 00:45 skipped.
    expect(iso(plan.fireTimes)).toEqual([
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T01:15:00.000Z',
      '2026-01-01T01:30:00.000Z',
      '2026-01-01T01:45:00.000Z',
      '2026-01-01T02:00:00.000Z',
    ]);
    expect(plan.skipped).toBe(3);
    expect(plan.nextFireAt).toBe(t('2026-01-01T02:15:00Z'));
  });

  test('never fires a time at or before lastFireAt again', () => {
    const plan = planFires(
      schedule({
        trigger: everyMinute,
        misfire: 'all',
        lastFireAt: t('2026-01-01T12:05:00Z'),
        nextFireAt: t('2026-01-01T12:03:00Z'),
      }),
      t('2026-01-01T12:06:10Z'),
    );
    expect(iso(plan.fireTimes)).toEqual(['2026-01-01T12:06:00.000Z']);
  });

  test('a schedule not yet due, or with no next fire, plans nothing', () => {
    const later = t('2026-01-01T12:01:00Z');
    expect(planFires(schedule({ trigger: everyMinute, nextFireAt: later }), later - 1)).toEqual({
      fireTimes: [],
      skipped: 0,
      nextFireAt: later,
    });
    expect(planFires(schedule({ trigger: { kind: 'manual' } }), later)).toEqual({
      fireTimes: [],
      skipped: 0,
      nextFireAt: undefined,
    });
  });
});
