import { describe, expect, it } from 'vitest';
import type { Schedule, ScheduleDefinition } from '../model/schedule.js';
import { jobFromSchedule, prepareSchedule } from './index.js';
import { every, NOW } from './schemas.test-helpers.js';

describe('prepareSchedule accepts good input', () => {
  it('fills the defaults', () => {
    expect(prepareSchedule('s1', every)).toEqual({
      id: 's1',
      tenant: 'default',
      trigger: { kind: 'every', every: 60_000, startAt: undefined },
      job: {
        name: 'tick',
        payload: null,
        priority: 5,
        tags: [],
        maxAttempts: 1,
        backoff: undefined,
        timeoutMs: undefined,
      },
      misfire: 'once',
      maxCatchUp: 100,
      misfireGraceMs: 60_000,
      paused: false,
    } satisfies ScheduleDefinition);
  });

  it('keeps every field given', () => {
    const definition = prepareSchedule('reports.daily', {
      name: 'report.build',
      tenant: 'acme',
      cron: '0 9 * * 1-5',
      tz: 'Europe/Paris',
      payload: { format: 'pdf' },
      priority: 8,
      tags: ['reports'],
      maxAttempts: 3,
      backoff: { type: 'linear', delayMs: 1000 },
      timeoutMs: 30_000,
      misfire: 'all',
      maxCatchUp: 5,
      misfireGraceMs: 0,
      paused: true,
    });
    expect(definition).toEqual({
      id: 'reports.daily',
      tenant: 'acme',
      trigger: { kind: 'cron', cron: '0 9 * * 1-5', tz: 'Europe/Paris' },
      job: {
        name: 'report.build',
        payload: { format: 'pdf' },
        priority: 8,
        tags: ['reports'],
        maxAttempts: 3,
        backoff: { type: 'linear', delayMs: 1000 },
        timeoutMs: 30_000,
      },
      misfire: 'all',
      maxCatchUp: 5,
      misfireGraceMs: 0,
      paused: true,
    });
  });

  it.each([
    [
      { name: 'a', cron: '*/5 * * * *' },
      { kind: 'cron', cron: '*/5 * * * *', tz: 'UTC' },
    ],
    [
      { name: 'a', every: 1000, startAt: '2026-01-01T02:00:00+02:00' },
      { kind: 'every', every: 1000, startAt: NOW },
    ],
    [
      { name: 'a', at: '2026-06-01T12:00:00Z' },
      { kind: 'at', at: Date.UTC(2026, 5, 1, 12) },
    ],
    [
      { name: 'a', at: new Date(NOW) },
      { kind: 'at', at: NOW },
    ],
    [{ name: 'a', manual: true }, { kind: 'manual' }],
    [
      { name: 'a', every: 1000, manual: false },
      { kind: 'every', every: 1000, startAt: undefined },
    ],
    [
      { name: 'a', every: 1000, tz: null, cron: null },
      { kind: 'every', every: 1000, startAt: undefined },
    ],
  ])('builds the trigger of %j', (input, trigger) => {
    expect(prepareSchedule('s1', input).trigger).toEqual(trigger);
  });
});

describe('jobFromSchedule', () => {
  it('makes the fire’s job from the template, with scheduleId and scheduledFor', () => {
    const definition = prepareSchedule('nightly', {
      name: 'report.build',
      tenant: 'acme',
      cron: '0 2 * * *',
      payload: { n: 1 },
      priority: 7,
      tags: ['t'],
      maxAttempts: 2,
      backoff: { type: 'fixed', delayMs: 10 },
      timeoutMs: 1000,
    });
    const schedule: Schedule = {
      ...definition,
      runCount: 3,
      lastFireAt: undefined,
      nextFireAt: undefined,
      createdAt: 0,
      updatedAt: 0,
    };
    const fireAt = NOW + 2 * 3600_000;
    const job = jobFromSchedule(schedule, fireAt, fireAt + 5);
    expect(job).toEqual({
      id: expect.stringMatching(/^acme:/),
      name: 'report.build',
      tenant: 'acme',
      payload: { n: 1 },
      priority: 7,
      tags: ['t'],
      maxAttempts: 2,
      backoff: { type: 'fixed', delayMs: 10 },
      timeoutMs: 1000,
      idempotencyKey: undefined,
      dependsOn: [],
      runAt: undefined,
      scheduleId: 'nightly',
      scheduledFor: fireAt,
    });
    expect(job.tags).not.toBe(schedule.job.tags);
    expect(jobFromSchedule(definition, fireAt, fireAt).id).not.toBe(job.id);
  });
});
