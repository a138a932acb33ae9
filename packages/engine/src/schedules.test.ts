import type { Job } from '@cadenza/core';
import { drive } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import { events, stopAndCheck, testEngine } from './engine.test-helpers.js';

interface Run {
  scheduledFor: string | undefined;
  at: string;
}

function recorder(clock: { now(): number }) {
  const runs: Run[] = [];
  const handler = (job: Job): void => {
    runs.push({
      scheduledFor: job.scheduledFor === undefined ? undefined : new Date(job.scheduledFor).toISOString(),
      at: new Date(clock.now()).toISOString(),
    });
  };
  return { runs, handler };
}

const iso = (s: string): string => new Date(s).toISOString();

/** Fake time that these tests may drive through (the default of `drive` is an hour). */
const DAY = 24 * 3_600_000;

describe('schedules across daylight saving (America/New_York)', () => {
  it('30 2 * * * fires at 03:30 EDT on the spring-forward day, then 02:30 EDT', async () => {
    const rec = recorder({ now: () => t.clock.now() });
    const t = testEngine({ daily: rec.handler }, { start: '2026-03-06T12:00:00Z' });
    await t.engine.upsertSchedule('daily', { name: 'daily', cron: '30 2 * * *', tz: 'America/New_York' });
    await t.engine.start();
    await drive(t.clock, events(t.engine, 'succeeded', 3), 4 * DAY);
    expect(rec.runs).toEqual([
      { scheduledFor: iso('2026-03-07T02:30:00-05:00'), at: iso('2026-03-07T02:30:00-05:00') },
      { scheduledFor: iso('2026-03-08T03:30:00-04:00'), at: iso('2026-03-08T03:30:00-04:00') },
      { scheduledFor: iso('2026-03-09T02:30:00-04:00'), at: iso('2026-03-09T02:30:00-04:00') },
    ]);
    await stopAndCheck(t);
  });

  it('30 1 * * * fires once on the fall-back day, at the first 01:30', async () => {
    const rec = recorder({ now: () => t.clock.now() });
    const t = testEngine({ daily: rec.handler }, { start: '2026-10-30T12:00:00Z' });
    await t.engine.upsertSchedule('daily', { name: 'daily', cron: '30 1 * * *', tz: 'America/New_York' });
    await t.engine.start();
    await drive(t.clock, events(t.engine, 'succeeded', 3), 4 * DAY);
    expect(rec.runs.map((r) => r.scheduledFor)).toEqual([
      iso('2026-10-31T01:30:00-04:00'),
      iso('2026-11-01T01:30:00-04:00'),
      iso('2026-11-02T01:30:00-05:00'),
    ]);
    expect(rec.runs.map((r) => r.at)).toEqual(rec.runs.map((r) => r.scheduledFor));
    await stopAndCheck(t);
  });

  it('0 * * * * keeps its hourly cadence through both 01:00s of the fall-back day', async () => {
    const rec = recorder({ now: () => t.clock.now() });
    const t = testEngine({ hourly: rec.handler }, { start: '2026-11-01T03:30:00Z' });
    await t.engine.upsertSchedule('hourly', { name: 'hourly', cron: '0 * * * *', tz: 'America/New_York' });
    await t.engine.start();
    await drive(t.clock, events(t.engine, 'succeeded', 4), DAY);
    expect(rec.runs.map((r) => r.scheduledFor)).toEqual([
      iso('2026-11-01T00:00:00-04:00'),
      iso('2026-11-01T01:00:00-04:00'),
      iso('2026-11-01T01:00:00-05:00'),
      iso('2026-11-01T02:00:00-05:00'),
    ]);
    await stopAndCheck(t);
  });
});

describe('misfires after a 10-minute outage', () => {
  // Every minute, with a one-second grace: the engine runs the 00:01 fire, is stopped at
  // 00:01:30, the clock moves 10 minutes, and the engine starts again at 00:11:30. The
  // fires of 00:02 … 00:11 were missed.
  const minutes = (from: number, to: number): string[] =>
    Array.from({ length: to - from + 1 }, (_, i) => iso(`2026-01-01T00:${String(from + i).padStart(2, '0')}:00Z`));

  it.each([
    ['skip', [] as string[]],
    ['once', minutes(11, 11)],
    ['all', minutes(2, 11)],
  ] as const)('misfire %s', async (misfire, caughtUp) => {
    const rec = recorder({ now: () => t.clock.now() });
    const t = testEngine({ tick: rec.handler }, { concurrency: 1 });
    await t.engine.upsertSchedule('m', { name: 'tick', cron: '* * * * *', misfire, misfireGraceMs: 1000 });
    await t.engine.start();
    await drive(t.clock, events(t.engine, 'succeeded', 1));
    expect(rec.runs.map((r) => r.scheduledFor)).toEqual(minutes(1, 1));
    await t.clock.advanceTo(Date.parse('2026-01-01T00:01:30Z'));
    await stopAndCheck(t);

    t.clock.set(Date.parse('2026-01-01T00:11:30Z'));
    await t.engine.start();
    // Everything the restart owes runs now; nothing else runs before the 00:12 fire.
    await t.clock.advanceTo(Date.parse('2026-01-01T00:11:59Z'));
    const afterRestart = rec.runs.slice(1);
    expect(afterRestart.map((r) => r.scheduledFor)).toEqual(caughtUp);
    for (const run of afterRestart) expect(run.at).toBe(iso('2026-01-01T00:11:30Z'));
    await drive(t.clock, events(t.engine, 'succeeded', 1));
    expect(rec.runs.at(-1)).toEqual({ scheduledFor: iso('2026-01-01T00:12:00Z'), at: iso('2026-01-01T00:12:00Z') });
    const schedule = await t.store.getSchedule('default', 'm');
    expect(schedule?.runCount).toBe(1 + caughtUp.length + 1);
    await stopAndCheck(t);
  });
});
