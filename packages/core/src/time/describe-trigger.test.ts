import { describe, expect, test } from 'vitest';
import { CadenzaError } from '../errors.js';
import type { Trigger } from '../model/schedule.js';
import { describeTrigger, normalizeTrigger } from './index.js';

// Every form the cron parser accepts (docs/time.md "Cron expressions"), in words.
const CRON: [expression: string, words: string][] = [
  // the examples the dashboard shows
  ['*/15 * * * *', 'Every 15 minutes'],
  ['30 9 * * 1-5', 'At 09:30, Monday through Friday'],
  ['0 0 1 * *', 'At 00:00 on day 1 of the month'],
  ['0 8-18/2 * * *', 'At minute 0 past every 2nd hour from 08 through 18'],
  ['0 12 * * 5L', 'At 12:00 on the last Friday of the month'],
  ['30 2 1 * *', 'At 02:30 on day 1 of the month'],
  // minutes and hours
  ['* * * * *', 'Every minute'],
  ['*/1 * * * *', 'Every minute'],
  ['5 * * * *', 'At minute 5 past every hour'],
  ['0-30 * * * *', 'Every minute from minute 0 through 30'],
  ['5/15 * * * *', 'Every 15 minutes from minute 5 through 59'],
  ['10-40/10 * * * *', 'Every 10 minutes from minute 10 through 40'],
  ['0,15,45 * * * *', 'At minutes 0, 15 and 45 past every hour'],
  ['0-10,30 * * * *', 'At minutes 0 through 10 and 30 past every hour'],
  ['0 */3 * * *', 'At minute 0 past every 3rd hour'],
  ['0 2/3 * * *', 'At minute 0 past every 3rd hour from 02 through 23'],
  ['0 9-17 * * *', 'At minute 0 past every hour from 09 through 17'],
  ['*/15 9 * * *', 'Every 15 minutes, between 09:00 and 09:59'],
  ['*/15 9-17 * * *', 'Every 15 minutes, between 09:00 and 17:59'],
  ['*/20 */2 * * *', 'Every 20 minutes past every 2nd hour'],
  ['0,30 8-18 * * *', 'At minutes 0 and 30 past every hour from 08 through 18'],
  ['0,15,30,45 0,6,12,18 * * *', 'At minutes 0, 15, 30 and 45 past hours 00, 06, 12 and 18'],
  ['0 8,12,18 * * *', 'At 08:00, 12:00 and 18:00, every day'],
  ['0,30 9,17 * * *', 'At 09:00, 09:30, 17:00 and 17:30, every day'],
  ['30 9 * * *', 'At 09:30, every day'],
  ['0 8-10,14 * * *', 'At minute 0 past hours 08 through 10 and 14'],
  // six fields: seconds first
  ['* * * * * *', 'Every second'],
  ['*/5 * * * * *', 'Every 5 seconds'],
  ['30 * * * * *', 'At second 30 past every minute'],
  ['15 30 9 * * *', 'At 09:30:15, every day'],
  ['0 0 8,12,18 * * *', 'At 08:00, 12:00 and 18:00, every day'],
  ['0 */15 * * * *', 'Every 15 minutes'],
  ['*/10 0 8 * * *', 'Every 10 seconds during minute 0 past hour 08'],
  ['0,30 * * * * *', 'At seconds 0 and 30 past every minute'],
  // days of the month
  ['0 0 L * *', 'At 00:00 on the last day of the month'],
  ['0 0 L,15 * *', 'At 00:00 on day 15 and the last day of the month'],
  ['0 0 1,L * *', 'At 00:00 on day 1 and the last day of the month'],
  ['0 0 1,15 * *', 'At 00:00 on days 1 and 15 of the month'],
  ['0 0 5-10,20 * *', 'At 00:00 on days 5 through 10 and 20 of the month'],
  ['0 0 1-7 * *', 'At 00:00 on days 1 through 7 of the month'],
  ['0 0 */2 * *', 'At 00:00 on every 2nd day of the month'],
  ['0 0 1-15/2 * *', 'At 00:00 on every 2nd day of the month from day 1 through 15'],
  ['0 0 10/5 * *', 'At 00:00 on every 5th day of the month from day 10 through 31'],
  ['0 0 ? * *', 'At 00:00, every day'],
  // months, by number and by name
  ['0 0 * 6 *', 'At 00:00, only in June'],
  ['0 0 1 1,4,7,10 *', 'At 00:00 on day 1 of the month, only in January, April, July and October'],
  ['0 0 1 JAN-MAR *', 'At 00:00 on day 1 of the month, only in January through March'],
  ['0 0 1 */3 *', 'At 00:00 on day 1 of the month, only in January, April, July and October'],
  ['0 0 25 dec *', 'At 00:00 on December 25'],
  ['0 0 L 2 *', 'At 00:00 on the last day of the month, only in February'],
  // days of the week, by number and by name
  ['0 8 * * MON-FRI', 'At 08:00, Monday through Friday'],
  ['0 8 * * mon-fri', 'At 08:00, Monday through Friday'],
  ['0 9 * * SAT,SUN', 'At 09:00, only on Saturday and Sunday'],
  ['0 9 * * 0,6', 'At 09:00, only on Saturday and Sunday'],
  ['0 9 * * 1,3,5', 'At 09:00, only on Monday, Wednesday and Friday'],
  ['0 9 * * 1', 'At 09:00, only on Monday'],
  ['0 9 * * 7', 'At 09:00, only on Sunday'],
  ['0 9 * * 0,7', 'At 09:00, only on Sunday'],
  ['0 9 * * 1-5,3', 'At 09:00, Monday through Friday'],
  ['0 9 * * 1-3,5', 'At 09:00, only on Monday through Wednesday and Friday'],
  ['0 0 * * */2', 'At 00:00, only on Tuesday, Thursday, Saturday and Sunday'],
  ['0 0 * * 1-5/2', 'At 00:00, only on Monday, Wednesday and Friday'],
  ['0 0 * * MON-SUN', 'At 00:00, every day of the week'],
  ['0 0 * * 0-7', 'At 00:00, every day of the week'],
  ['0 9 ? * MON', 'At 09:00, only on Monday'],
  ['0 9-17 * * MON-FRI', 'At minute 0 past every hour from 09 through 17, Monday through Friday'],
  ['0 9 * 12 MON', 'At 09:00, only on Monday, only in December'],
  // L and # in the day of week
  ['0 0 * * FRIL', 'At 00:00 on the last Friday of the month'],
  ['0 0 * * 7L', 'At 00:00 on the last Sunday of the month'],
  ['0 0 * * 0L', 'At 00:00 on the last Sunday of the month'],
  ['0 0 * * 5#2', 'At 00:00 on the second Friday of the month'],
  ['0 0 * * MON#1', 'At 00:00 on the first Monday of the month'],
  ['0 0 * * 7#1', 'At 00:00 on the first Sunday of the month'],
  ['0 0 * * SUN#5', 'At 00:00 on the fifth Sunday of the month'],
  ['0 0 * * 1,5L', 'At 00:00 on Monday and the last Friday of the month'],
  // both day fields: either one matching fires
  ['0 9 1 * MON', 'At 09:00 on day 1 of the month, and on Monday'],
  ['0 9 1,15 * 1-5', 'At 09:00 on days 1 and 15 of the month, and on Monday through Friday'],
  ['0 0 1 * SUN#5', 'At 00:00 on day 1 of the month, and on the fifth Sunday of the month'],
  // macros, in any case
  ['@yearly', 'At 00:00 on January 1'],
  ['@annually', 'At 00:00 on January 1'],
  ['@monthly', 'At 00:00 on day 1 of the month'],
  ['@weekly', 'At 00:00, only on Sunday'],
  ['@daily', 'At 00:00, every day'],
  ['@midnight', 'At 00:00, every day'],
  ['@hourly', 'At minute 0 past every hour'],
  ['@DAILY', 'At 00:00, every day'],
  // spacing does not matter
  ['  30   9 * *   1-5 ', 'At 09:30, Monday through Friday'],
];

const OTHER: [trigger: Trigger, words: string][] = [
  [{ every: 1000 }, 'Every second'],
  [{ every: 90_000 }, 'Every 90 seconds'],
  [{ every: 60_000 }, 'Every minute'],
  [{ every: 900_000 }, 'Every 15 minutes'],
  [{ every: 5_400_000 }, 'Every 90 minutes'],
  [{ every: 9_000_000 }, 'Every 2 hours 30 minutes'],
  [{ every: 86_400_000 }, 'Every day'],
  [{ every: 172_800_000 + 3_600_000 }, 'Every 2 days 1 hour'],
  [{ every: 1500 }, 'Every 1500 milliseconds'],
  [{ every: 2500 }, 'Every 2 seconds 500 milliseconds'],
  [{ every: 1 }, 'Every millisecond'],
  [{ every: 60_000, startAt: '2026-01-01T00:00:30Z' }, 'Every minute, counted from 2026-01-01T00:00:30Z'],
  [{ at: '2026-03-29T01:30:00Z' }, 'Once, at 2026-03-29T01:30:00Z'],
  [{ at: '2026-03-29T03:30:00+02:00' }, 'Once, at 2026-03-29T01:30:00Z'],
  [{ at: new Date('2026-03-29T01:30:00.250Z') }, 'Once, at 2026-03-29T01:30:00.250Z'],
  [{ manual: true }, 'Only when triggered'],
  [{ cron: '30 9 * * 1-5', tz: 'Europe/Berlin' }, 'At 09:30, Monday through Friday'],
];

describe('describeTrigger', () => {
  test.each(CRON)('%j: %s', (cron, words) => {
    expect(describeTrigger({ cron })).toBe(words);
  });

  test.each(OTHER)('%j: %s', (trigger, words) => {
    expect(describeTrigger(trigger)).toBe(words);
  });

  test('takes a normalized trigger as well as a written one', () => {
    for (const [trigger, words] of [...CRON.map(([cron, w]) => [{ cron }, w] as const), ...OTHER]) {
      expect(describeTrigger(normalizeTrigger(trigger))).toBe(words);
    }
  });

  test.each<[string, unknown]>([
    ['a bad expression', { cron: '61 * * * *' }],
    ['four fields', { cron: '* * * *' }],
    ['a date that never comes', { cron: '0 0 30 2 *' }],
    ['a Jenkins hash', { cron: 'H * * * *' }],
    ['# in a list', { cron: '0 0 * * MON#1,FRI#2' }],
    ['an unknown zone', { cron: '* * * * *', tz: 'Mars/Olympus' }],
    ['two kinds', { cron: '* * * * *', every: 1000 }],
    ['no kind', {}],
    ['an every of 0', { every: 0 }],
    ['a bad instant', { at: 'tomorrow' }],
    ['manual false alone', { manual: false }],
  ])('refuses %s with the error normalizeTrigger throws', (_what, trigger) => {
    const error = thrown(() => describeTrigger(trigger as Trigger));
    expect(error).toBeInstanceOf(CadenzaError);
    expect(error).toEqual(thrown(() => normalizeTrigger(trigger as Trigger)));
    expect((error as CadenzaError).code).toBe('invalid_argument');
  });

  test('checks the expression of a normalized cron trigger again', () => {
    const error = thrown(() => describeTrigger({ kind: 'cron', cron: '61 * * * *', tz: 'UTC' }));
    expect(error).toEqual(thrown(() => normalizeTrigger({ cron: '61 * * * *' })));
  });
});

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
}
