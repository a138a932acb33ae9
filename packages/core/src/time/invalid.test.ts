import { describe, expect, test } from 'vitest';
import { CadenzaError } from '../errors.js';
import type { Trigger } from '../model/schedule.js';
import { nextFireTimes, normalizeTrigger } from './index.js';

/** Runs `run`, expecting an invalid_argument CadenzaError for `field` whose message names it. */
function expectInvalid(run: () => unknown, field: string, alsoMentions: string[] = []): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CadenzaError);
  const error = caught as CadenzaError;
  expect(error.code).toBe('invalid_argument');
  expect(error.field).toBe(field);
  expect(error.message.startsWith(`${field}: `)).toBe(true);
  for (const word of alsoMentions) expect(error.message).toContain(word);
}

const FROM = new Date('2026-01-01T00:00:00Z');
// Triggers as they arrive from JSON or untyped callers.
const loose = (value: unknown) => value as Trigger;

type BadRow = [description: string, trigger: unknown, field: string, mentions: string[]];

const badTriggers: BadRow[] = [
  ['a word for a cron', { cron: 'every day' }, 'cron', ['"every day"']],
  ['a cron with 4 fields', { cron: '* * * *' }, 'cron', ['5 fields', '4 fields']],
  ['a cron with 7 fields', { cron: '0 0 0 * * * 2027' }, 'cron', ['7 fields']],
  ['an empty cron', { cron: '   ' }, 'cron', ['0 fields']],
  ['a minute out of range', { cron: '61 * * * *' }, 'cron', ['61']],
  ['an hour out of range', { cron: '0 24 * * *' }, 'cron', ['24']],
  ['a zero step', { cron: '*/0 * * * *' }, 'cron', []],
  ['a reversed range', { cron: '0 0 * * 6-1' }, 'cron', []],
  ['a date that never exists', { cron: '0 0 30 2 *' }, 'cron', []],
  ['dates that never exist in the months listed', { cron: '0 0 31 4,6 *' }, 'cron', ['day of month']],
  ['a Jenkins hash', { cron: 'H * * * *' }, 'cron', ['minute']],
  ['an unknown macro', { cron: '@reboot' }, 'cron', ['@daily']],
  ['an unknown day name', { cron: '0 0 * * FUN' }, 'cron', ['FUN']],
  ['a ? in the minute field', { cron: '? * * * *' }, 'cron', ['minute']],
  ['a W (nearest weekday)', { cron: '0 0 15W * *' }, 'cron', ['day-of-month']],
  ['a #6', { cron: '0 0 * * 1#6' }, 'cron', []],
  ['a number for a cron', { cron: 5 }, 'cron', []],
  ['a huge cron', { cron: `${'1,'.repeat(600)}1 * * * *` }, 'cron', ['1024']],
  ['an unknown zone', { cron: '0 0 * * *', tz: 'Mars/Olympus' }, 'tz', ['Mars/Olympus', 'IANA']],
  ['an empty zone', { cron: '0 0 * * *', tz: '' }, 'tz', []],
  ['a UTC offset for a zone', { cron: '0 0 * * *', tz: '+05:00' }, 'tz', []],
  ['a number for a zone', { cron: '0 0 * * *', tz: 5 }, 'tz', []],
  ['every 0', { every: 0 }, 'every', ['0', 'at least 1']],
  ['every < 0', { every: -1000 }, 'every', ['-1000']],
  ['every not whole', { every: 1.5 }, 'every', ['1.5']],
  ['every as text', { every: '1000' }, 'every', []],
  ['every NaN', { every: Number.NaN }, 'every', []],
  ['every infinite', { every: Number.POSITIVE_INFINITY }, 'every', []],
  ['a startAt that is no date', { every: 1000, startAt: 'yesterday' }, 'startAt', ['yesterday', 'ISO-8601']],
  ['a startAt without offset', { every: 1000, startAt: '2026-03-08T02:30:00' }, 'startAt', []],
  ['a startAt on Feb 30', { every: 1000, startAt: '2026-02-30T00:00:00Z' }, 'startAt', []],
  ['an at that is no date', { at: 'soon' }, 'at', ['soon']],
  ['an at in month 13', { at: '2026-13-01T00:00:00Z' }, 'at', []],
  ['an at at 24:00', { at: '2026-01-01T24:00:00Z' }, 'at', []],
  ['an invalid Date', { at: new Date(Number.NaN) }, 'at', []],
  ['epoch ms for at', { at: 1_767_225_600_000 }, 'at', []],
  ['a date without time', { at: '2026-01-01' }, 'at', []],
  ['cron and every together', { cron: '0 0 * * *', every: 60_000 }, 'every', ['cron', 'exactly one']],
  ['every and at together', { every: 60_000, at: '2026-01-01T00:00:00Z' }, 'at', ['every']],
  ['cron and manual together', { cron: '0 0 * * *', manual: true }, 'manual', ['cron']],
  ['tz with every', { every: 60_000, tz: 'Europe/Berlin' }, 'tz', ['every']],
  ['tz with at', { at: '2026-01-01T00:00:00Z', tz: 'UTC' }, 'tz', ['at']],
  ['startAt with cron', { cron: '0 0 * * *', startAt: '2026-01-01T00:00:00Z' }, 'startAt', ['cron']],
  ['no kind at all', {}, 'trigger', ['cron', 'every', 'at', 'manual']],
  ['manual: false alone', { manual: false }, 'trigger', []],
  ['manual: "yes"', { manual: 'yes' }, 'manual', ['true']],
  ['null', null, 'trigger', []],
];

describe('bad triggers', () => {
  test.each(badTriggers)('%s', (_description, trigger, field, mentions) => {
    expectInvalid(() => normalizeTrigger(loose(trigger)), field, mentions);
    expectInvalid(() => nextFireTimes(loose(trigger), FROM, 1), field, mentions);
  });
});

describe('bad nextFireTimes arguments', () => {
  const trigger: Trigger = { cron: '* * * * *' };
  test.each([0, -1, 1.5, Number.NaN, 10_001])('count %s', (count) => {
    expectInvalid(() => nextFireTimes(trigger, FROM, count), 'count');
  });
  test('an invalid from', () => {
    expectInvalid(() => nextFireTimes(trigger, new Date(Number.NaN), 1), 'from');
    expectInvalid(() => nextFireTimes(trigger, Number.POSITIVE_INFINITY, 1), 'from');
    expectInvalid(() => nextFireTimes(trigger, 1e20, 1), 'from');
  });
});

describe('good triggers normalize', () => {
  test.each<[string, unknown, unknown]>([
    ['cron, tz filled', { cron: ' 0  9 * * MON ' }, { kind: 'cron', cron: '0 9 * * MON', tz: 'UTC' }],
    [
      'macro in any case',
      { cron: '@Daily', tz: 'Europe/Berlin' },
      { kind: 'cron', cron: '@daily', tz: 'Europe/Berlin' },
    ],
    ['every', { every: 1 }, { kind: 'every', every: 1, startAt: undefined }],
    [
      'every with startAt and offset',
      { every: 60_000, startAt: '2026-03-08T02:30:00.25-05:00' },
      { kind: 'every', every: 60_000, startAt: Date.parse('2026-03-08T07:30:00.250Z') },
    ],
    ['at with Z', { at: '2028-02-29T12:00:00Z' }, { kind: 'at', at: Date.parse('2028-02-29T12:00:00Z') }],
    ['at with +05:45', { at: '2026-01-01T05:45:00+05:45' }, { kind: 'at', at: Date.parse('2026-01-01T00:00:00Z') }],
    ['at as a Date', { at: new Date('2026-01-01T00:00:00Z') }, { kind: 'at', at: Date.parse('2026-01-01T00:00:00Z') }],
    ['manual', { manual: true }, { kind: 'manual' }],
    [
      'null fields are absent',
      { cron: '0 0 * * *', tz: null, every: null },
      { kind: 'cron', cron: '0 0 * * *', tz: 'UTC' },
    ],
    ['manual: false beside a kind', { every: 5000, manual: false }, { kind: 'every', every: 5000, startAt: undefined }],
  ])('%s', (_description, trigger, expected) => {
    expect(normalizeTrigger(loose(trigger))).toEqual(expected);
  });
});
