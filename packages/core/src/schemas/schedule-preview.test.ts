import { describe, expect, it } from 'vitest';
import { CadenzaError } from '../errors.js';
import { nextFireTimes } from '../time/index.js';
import { DEFAULT_PREVIEW_FIRES, prepareSchedule, prepareSchedulePreview } from './index.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

// Bad triggers: a preview of each is refused with the very message a schedule with it gets.
const BAD_TRIGGERS: [string, Record<string, unknown>][] = [
  ['no trigger', {}],
  ['manual false alone', { manual: false }],
  ['cron and every', { cron: '* * * * *', every: 1000 }],
  ['every and at', { every: 1000, at: '2026-02-01T00:00:00Z' }],
  ['at and manual', { at: '2026-02-01T00:00:00Z', manual: true }],
  ['tz with every', { every: 60_000, tz: 'UTC' }],
  ['startAt with cron', { cron: '* * * * *', startAt: '2026-01-01T00:00:00Z' }],
  ['cron not a string', { cron: 5 }],
  ['cron empty', { cron: '' }],
  ['cron too long', { cron: '*'.repeat(257) }],
  ['cron with one field', { cron: 'nope' }],
  ['a minute out of range', { cron: '61 * * * *' }],
  ['a date that never comes', { cron: '0 0 30 2 *' }],
  ['tz not a string', { cron: '* * * * *', tz: 1 }],
  ['tz unknown', { cron: '* * * * *', tz: 'Mars/Olympus' }],
  ['every 0', { every: 0 }],
  ['every below the minimum', { every: 999 }],
  ['every fractional', { every: 1000.5 }],
  ['every a string', { every: '1m' }],
  ['startAt without offset', { every: 60_000, startAt: '2026-01-01T00:00' }],
  ['at a bad date', { at: '2026-13-01T00:00:00Z' }],
  ['manual not a boolean', { manual: 'yes' }],
];

function refusal(run: () => unknown): CadenzaError {
  try {
    run();
  } catch (error) {
    if (error instanceof CadenzaError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('prepareSchedulePreview', () => {
  it.each(BAD_TRIGGERS)('refuses %s as prepareSchedule does', (_case, trigger) => {
    const preview = refusal(() => prepareSchedulePreview(trigger, NOW));
    const schedule = refusal(() => prepareSchedule('s1', { name: 'report', ...trigger }));
    expect(preview.code).toBe('invalid_argument');
    expect(preview.message).toBe(schedule.message);
    expect(preview.field).toBe(schedule.field);
  });

  it('applies the deployment minimum interval as prepareSchedule does', () => {
    const limits = { minIntervalMs: 60_000 };
    const preview = refusal(() => prepareSchedulePreview({ every: 30_000 }, NOW, limits));
    expect(preview.message).toBe(refusal(() => prepareSchedule('s1', { name: 'a', every: 30_000 }, limits)).message);
    expect(preview.message).toContain('from 60000 (the minimum interval)');
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'daily', 'body'],
    ['an unknown field', { cron: '* * * * *', name: 'report' }, 'name'],
    ['count 0', { cron: '* * * * *', count: 0 }, 'count'],
    ['count 51', { cron: '* * * * *', count: 51 }, 'count'],
    ['count fractional', { cron: '* * * * *', count: 1.5 }, 'count'],
    ['after not an instant', { cron: '* * * * *', after: 'soon' }, 'after'],
  ])('refuses %s, naming the field', (_case, body, field) => {
    const error = refusal(() => prepareSchedulePreview(body, NOW));
    expect(error.code).toBe('invalid_argument');
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });

  it('fills in after (now) and count (5), and takes both when given', () => {
    const defaults = prepareSchedulePreview({ cron: '0 8 * * MON-FRI', tz: 'Europe/Berlin' }, NOW);
    expect(defaults).toEqual({
      trigger: { kind: 'cron', cron: '0 8 * * MON-FRI', tz: 'Europe/Berlin' },
      after: NOW,
      count: DEFAULT_PREVIEW_FIRES,
    });
    const given = prepareSchedulePreview({ every: 60_000, after: '2026-02-01T00:00:00+01:00', count: 50 }, NOW);
    expect(given).toEqual({
      trigger: { kind: 'every', every: 60_000, startAt: undefined },
      after: Date.parse('2026-01-31T23:00:00Z'),
      count: 50,
    });
    // The prepared trigger goes to nextFireTimes as it is.
    expect(nextFireTimes(given.trigger, given.after, 2)).toEqual([
      new Date('2026-01-31T23:01:00Z'),
      new Date('2026-01-31T23:02:00Z'),
    ]);
  });
});
