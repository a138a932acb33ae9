// planFires with `minIntervalMs`: an `every` stored shorter than the minimum is paced.
import { describe, expect, test } from 'vitest';
import type { Schedule } from '../model/schedule.js';
import { scheduleDefinition } from '../testing/fixtures.js';
import { isPaced, planFires } from './index.js';

const T0 = Date.UTC(2026, 0, 1);

function every(ms: number, fields: Partial<Schedule> = {}): Schedule {
  return {
    ...scheduleDefinition({ trigger: { kind: 'every', every: ms, startAt: undefined } }),
    runCount: 0,
    lastFireAt: undefined,
    nextFireAt: T0 + ms,
    createdAt: T0,
    updatedAt: T0,
    ...fields,
  };
}

describe('pacing an every shorter than the minimum interval', () => {
  test('fires every k-th time of its cadence, k × every being at least the minimum', () => {
    // every 300 ms under a 1 s minimum: every 4th time (1,200 ms), anchored at the epoch.
    const plan = planFires(every(300, { nextFireAt: T0 + 1200, misfire: 'all', misfireGraceMs: 10_000 }), T0 + 5000, {
      minIntervalMs: 1000,
    });
    expect(plan.fireTimes.map((t) => t - T0)).toEqual([1200, 2400, 3600, 4800]);
    expect(plan.nextFireAt).toBe(T0 + 6000);
    expect(plan.skipped).toBe(0);
  });

  test('a stored next fire between two paced times moves to the next paced time', () => {
    // every 1 ms: the stored next fire, 1 ms ahead, would fire 1,000 times a second.
    const s = every(1, { nextFireAt: T0 + 1 });
    const early = planFires(s, T0 + 500, { minIntervalMs: 1000 });
    expect(early).toEqual({ fireTimes: [], skipped: 0, nextFireAt: T0 + 1000 });
    const due = planFires({ ...s, nextFireAt: T0 + 1000 }, T0 + 1000, { minIntervalMs: 1000 });
    expect(due).toEqual({ fireTimes: [T0 + 1000], skipped: 0, nextFireAt: T0 + 2000 });
  });

  test('after a long outage it catches up at the paced cadence, not the stored one', () => {
    const s = every(1, { nextFireAt: T0 + 1, misfire: 'all', maxCatchUp: 10_000, misfireGraceMs: 0 });
    const plan = planFires(s, T0 + 60_000, { minIntervalMs: 1000 });
    // 59 missed paced times (1 s … 59 s) and the one due now; not 60,000 fires.
    expect(plan.fireTimes).toHaveLength(60);
    expect(plan.fireTimes[0]).toBe(T0 + 1000);
    expect(plan.fireTimes.at(-1)).toBe(T0 + 60_000);
    expect(plan.nextFireAt).toBe(T0 + 61_000);
  });

  test('never fires again at or before the last fire', () => {
    const s = every(250, { lastFireAt: T0 + 2000, nextFireAt: T0 + 1250 });
    const plan = planFires(s, T0 + 3500, { minIntervalMs: 1000 });
    expect(plan.fireTimes).toEqual([T0 + 3000]);
  });

  test('leaves cron, at and every at or above the minimum alone', () => {
    expect(isPaced(every(1000), 1000)).toBe(false);
    expect(isPaced(every(999), 1000)).toBe(true);
    const cron = { ...every(1000), trigger: { kind: 'cron', cron: '* * * * * *', tz: 'UTC' } } as const;
    expect(isPaced(cron, 60_000)).toBe(false);
    const plan = planFires({ ...every(1000), nextFireAt: T0 + 1000 }, T0 + 1000, { minIntervalMs: 1000 });
    expect(plan).toEqual({ fireTimes: [T0 + 1000], skipped: 0, nextFireAt: T0 + 2000 });
    expect(planFires(every(300, { nextFireAt: T0 + 300 }), T0 + 300)).toMatchObject({ fireTimes: [T0 + 300] });
  });
});
