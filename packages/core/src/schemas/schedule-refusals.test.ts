import { describe, expect, it } from 'vitest';
import { prepareSchedule } from './index.js';
import { every, expectRefusal } from './schemas.test-helpers.js';

// [case, input, field, words of the expectation]
const BAD_SCHEDULES: [string, unknown, string | undefined, string][] = [
  ['not an object', 'daily', undefined, "an object with the schedule's fields"],
  ['no name', { every: 1000 }, 'name', 'a name'],
  ['a bad name', { ...every, name: 'no good' }, 'name', 'a name'],
  ['a bad tenant', { ...every, tenant: 'ACME' }, 'tenant', 'a tenant'],
  ['no trigger', { name: 'a' }, 'trigger', 'exactly one of cron, every, at or manual (none was given)'],
  ['manual false alone', { name: 'a', manual: false }, 'trigger', 'exactly one of cron, every, at or manual'],
  ['cron and every', { name: 'a', cron: '* * * * *', every: 1000 }, 'every', 'nothing, since cron is given'],
  ['every and at', { ...every, at: '2026-02-01T00:00:00Z' }, 'at', 'nothing, since every is given'],
  ['at and manual', { name: 'a', at: '2026-02-01T00:00:00Z', manual: true }, 'manual', 'since at is given'],
  ['tz with every', { ...every, tz: 'UTC' }, 'tz', 'tz goes only with cron'],
  [
    'startAt with cron',
    { name: 'a', cron: '* * * * *', startAt: '2026-01-01T00:00:00Z' },
    'startAt',
    'only with every',
  ],
  ['cron not a string', { name: 'a', cron: 5 }, 'cron', 'a cron expression'],
  ['cron empty', { name: 'a', cron: '' }, 'cron', 'a cron expression'],
  ['cron too long', { name: 'a', cron: '*'.repeat(257) }, 'cron', 'at most 256 characters'],
  ['cron with one field', { name: 'a', cron: 'nope' }, 'cron', 'fields'],
  ['tz not a string', { name: 'a', cron: '* * * * *', tz: 1 }, 'tz', 'an IANA time zone name'],
  ['tz unknown', { name: 'a', cron: '* * * * *', tz: 'Mars/Olympus' }, 'tz', 'IANA time zone'],
  ['every 0', { name: 'a', every: 0 }, 'every', 'an integer number of milliseconds from 1000 (the minimum interval)'],
  ['every below the minimum', { name: 'a', every: 999 }, 'every', 'from 1000 (the minimum interval)'],
  ['every fractional', { name: 'a', every: 1000.5 }, 'every', 'an integer number of milliseconds'],
  ['every a string', { name: 'a', every: '1m' }, 'every', 'an integer number of milliseconds'],
  [
    'startAt without offset',
    { ...every, startAt: '2026-01-01T00:00' },
    'startAt',
    'ISO-8601 date-time with a UTC offset',
  ],
  ['at a bad date', { name: 'a', at: '2026-13-01T00:00:00Z' }, 'at', 'ISO-8601'],
  ['manual not a boolean', { name: 'a', manual: 'yes' }, 'manual', 'true'],
  ['misfire unknown', { ...every, misfire: 'latest' }, 'misfire', 'one of "skip", "once", "all"'],
  ['maxCatchUp 0', { ...every, maxCatchUp: 0 }, 'maxCatchUp', 'an integer from 1 to 10000'],
  ['maxCatchUp 10001', { ...every, maxCatchUp: 10_001 }, 'maxCatchUp', 'an integer from 1 to 10000'],
  ['misfireGraceMs negative', { ...every, misfireGraceMs: -1 }, 'misfireGraceMs', 'milliseconds from 0'],
  ['paused a string', { ...every, paused: 'no' }, 'paused', 'true or false'],
  ['priority 10', { ...every, priority: 10 }, 'priority', 'an integer from 0 to 9'],
  ['a repeated tag', { ...every, tags: ['a', 'a'] }, 'tags.1', 'not already in the list'],
  ['maxAttempts 0', { ...every, maxAttempts: 0 }, 'maxAttempts', 'from 1 to 1000'],
  ['backoff bad', { ...every, backoff: { type: 'fixed', delayMs: 'soon' } }, 'backoff.delayMs', 'milliseconds'],
  ['timeoutMs 0', { ...every, timeoutMs: 0 }, 'timeoutMs', 'from 1'],
  ['a job-only field', { ...every, delayMs: 5 }, 'delayMs', 'unknown field'],
  ['a typo', { ...every, misfir: 'all' }, 'misfir', 'did you mean "misfire"?'],
  ['payload not JSON', { ...every, payload: { at: new Date(0) } }, 'payload.at', 'JSON'],
];

describe('prepareSchedule refuses bad input, naming the field and what was expected', () => {
  it.each(BAD_SCHEDULES)('%s', (_case, input, field, expected) => {
    expectRefusal(() => prepareSchedule('s1', input), field, expected);
  });

  it.each([
    ['', 'a name'],
    ['has space', 'a name'],
    ['x'.repeat(129), '1 to 128'],
  ])('refuses the schedule id %j', (id, expected) => {
    expectRefusal(() => prepareSchedule(id, every), 'id', expected);
  });

  it('refuses an every below the minimum interval in force, naming it', () => {
    expectRefusal(
      () => prepareSchedule('s1', { name: 'a', every: 4999 }, { minIntervalMs: 5000 }),
      'every',
      'got 4999, expected an integer number of milliseconds from 5000 (the minimum interval)',
    );
    expect(prepareSchedule('s1', { name: 'a', every: 5000 }, { minIntervalMs: 5000 }).trigger).toEqual({
      kind: 'every',
      every: 5000,
      startAt: undefined,
    });
    // A deployment may allow shorter cadences than the default.
    expect(prepareSchedule('s1', { name: 'a', every: 50 }, { minIntervalMs: 10 }).trigger).toMatchObject({ every: 50 });
  });

  it.each([0, -5, 1.5, Number.NaN])('refuses the deployment limit minIntervalMs %s, naming it', (minIntervalMs) => {
    expectRefusal(() => prepareSchedule('s1', every, { minIntervalMs }), 'limits.minIntervalMs', 'milliseconds');
  });

  it('refuses a payload over the limit with payload_too_large', () => {
    expectRefusal(
      () => prepareSchedule('s1', { ...every, payload: 'abcdef' }, { maxPayloadBytes: 5 }),
      'payload',
      'got 8 bytes of JSON, expected at most 5 bytes',
      'payload_too_large',
    );
  });
});
