import { describe, expect, it } from 'vitest';
import type { Schedule } from './api.js';
import { scheduleBody, scheduleZone, triggerOf, triggerText } from './trigger.js';

const base: Schedule = {
  id: 'nightly',
  tenant: 'acme',
  name: 'report.build',
  paused: false,
  runCount: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('schedule triggers', () => {
  it('says each kind of trigger in a few words, in its zone', () => {
    expect(triggerText({ ...base, cron: '30 2 * * *', tz: 'Europe/London' })).toBe('30 2 * * *');
    expect(triggerText({ ...base, every: 90_000 })).toBe('every 1 min 30 s');
    expect(triggerText({ ...base, at: '2026-07-01T09:00:00.000Z' })).toBe('once, at 2026-07-01T09:00:00.000Z');
    expect(triggerText({ ...base, manual: true })).toBe('manual');
    expect(scheduleZone({ cron: '* * * * *', tz: 'Europe/Berlin' })).toBe('Europe/Berlin');
    expect(scheduleZone({ cron: '* * * * *' })).toBe('UTC');
    expect(scheduleZone({})).toBe('UTC');
  });

  it('gives the preview the trigger fields only', () => {
    expect(triggerOf({ ...base, cron: '0 8 * * *', tz: 'America/New_York', payload: { a: 1 } })).toEqual({
      cron: '0 8 * * *',
      tz: 'America/New_York',
    });
    expect(triggerOf({ ...base, every: 60_000, startAt: '2026-01-01T00:00:00.000Z' })).toEqual({
      every: 60_000,
      startAt: '2026-01-01T00:00:00.000Z',
    });
    expect(triggerOf({ ...base, manual: true })).toBeUndefined();
  });

  it('an edit keeps what the form does not show, since PUT replaces the schedule whole', () => {
    const existing: Schedule = {
      ...base,
      cron: '30 2 * * *',
      tz: 'Europe/London',
      maxAttempts: 3,
      backoff: { type: 'exponential', delayMs: 1000 },
      misfire: 'skip',
      tags: ['nightly'],
      paused: true,
    };
    expect(
      scheduleBody(existing, { name: 'report.build', cron: '0 3 * * *', tz: 'Europe/Berlin', payload: { v: 2 } }),
    ).toEqual({
      name: 'report.build',
      cron: '0 3 * * *',
      tz: 'Europe/Berlin',
      payload: { v: 2 },
      maxAttempts: 3,
      backoff: { type: 'exponential', delayMs: 1000 },
      misfire: 'skip',
      tags: ['nightly'],
      paused: true,
    });
    // A new schedule: the form's fields, an empty zone left to the API's default (UTC).
    expect(scheduleBody(undefined, { name: 'tick', cron: '* * * * *', tz: '', payload: undefined })).toEqual({
      name: 'tick',
      cron: '* * * * *',
    });
  });
});
