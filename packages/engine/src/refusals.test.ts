import { CadenzaError, type JobInput, type ScheduleInput } from '@cadenza/core';
import { allJobs } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import { testEngine } from './engine.test-helpers.js';

// Bad input through the engine's front door: each is refused with the right code and a
// message naming the field, and the store holds nothing afterwards.

const badJobs: [string, unknown, string, string][] = [
  ['no name', {}, 'invalid_argument', 'name'],
  ['name with a space', { name: 'send mail' }, 'invalid_argument', 'name'],
  ['bad tenant', { name: 'a', tenant: 'Acme' }, 'invalid_argument', 'tenant'],
  ['priority 12', { name: 'a', priority: 12 }, 'invalid_argument', 'priority'],
  ['fractional priority', { name: 'a', priority: 1.5 }, 'invalid_argument', 'priority'],
  ['negative delay', { name: 'a', delayMs: -1 }, 'invalid_argument', 'delayMs'],
  ['runAt without zone', { name: 'a', runAt: '2026-01-01T10:00:00' }, 'invalid_argument', 'runAt'],
  ['delay and runAt', { name: 'a', delayMs: 5, runAt: '2026-01-01T10:00:00Z' }, 'invalid_argument', 'runAt'],
  ['33 tags', { name: 'a', tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }, 'invalid_argument', 'tags'],
  ['bad tag', { name: 'a', tags: ['ok', '!'] }, 'invalid_argument', 'tags.1'],
  ['maxAttempts 0', { name: 'a', maxAttempts: 0 }, 'invalid_argument', 'maxAttempts'],
  ['unknown backoff', { name: 'a', backoff: { type: 'random', delayMs: 1 } }, 'invalid_argument', 'backoff.type'],
  [
    'bad jitter',
    { name: 'a', backoff: { type: 'fixed', delayMs: 1, jitter: 'some' } },
    'invalid_argument',
    'backoff.jitter',
  ],
  ['timeout 0', { name: 'a', timeoutMs: 0 }, 'invalid_argument', 'timeoutMs'],
  ['dependsOn not a list', { name: 'a', dependsOn: 'x' }, 'invalid_argument', 'dependsOn'],
  ['unknown parent', { name: 'a', dependsOn: ['default:nope'] }, 'invalid_argument', 'dependsOn'],
  ['unknown field', { name: 'a', priorty: 3 }, 'invalid_argument', 'priorty'],
  ['payload over 1 MiB', { name: 'a', payload: 'x'.repeat(1_100_000) }, 'payload_too_large', 'payload'],
];

const badSchedules: [string, unknown, string][] = [
  ['no trigger', { name: 'a' }, 'trigger'],
  ['bad cron', { name: 'a', cron: '61 * * * *' }, 'cron'],
  ['unknown zone', { name: 'a', cron: '0 * * * *', tz: 'Mars/Olympus' }, 'tz'],
  ['two triggers', { name: 'a', cron: '0 * * * *', every: 1000 }, 'every'],
  ['every 0', { name: 'a', every: 0 }, 'every'],
  ['bad at', { name: 'a', at: 'tomorrow' }, 'at'],
  ['bad misfire', { name: 'a', cron: '0 * * * *', misfire: 'later' }, 'misfire'],
  ['negative grace', { name: 'a', cron: '0 * * * *', misfireGraceMs: -1 }, 'misfireGraceMs'],
  ['bad priority', { name: 'a', cron: '0 * * * *', priority: 10 }, 'priority'],
];

async function refusal(promise: Promise<unknown>): Promise<CadenzaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CadenzaError);
  return error as CadenzaError;
}

describe('bad input is refused and writes nothing', () => {
  it.each(badJobs)('job: %s', async (_label, input, code, field) => {
    const { engine, store } = testEngine({ a: () => 'ok' });
    const error = await refusal(engine.enqueue(input as JobInput));
    expect(error.code).toBe(code);
    expect(error.message).toContain(field);
    expect(await allJobs(store)).toEqual([]);
  });

  it.each(badJobs)('batch: %s as the second job', async (_label, input, code, field) => {
    const { engine, store } = testEngine({ a: () => 'ok' });
    const error = await refusal(engine.enqueueBatch([{ name: 'a' }, input as JobInput]));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(field === 'dependsOn' ? /dependsOn/ : `jobs.1.${field}`);
    expect(await allJobs(store)).toEqual([]);
  });

  it.each(badSchedules)('schedule: %s', async (_label, input, field) => {
    const { engine, store } = testEngine({ a: () => 'ok' });
    const error = await refusal(engine.upsertSchedule('s1', input as ScheduleInput));
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toContain(field);
    expect((await store.listSchedules({ limit: 10 })).schedules).toEqual([]);
  });

  it('schedule: a bad id', async () => {
    const { engine, store } = testEngine({ a: () => 'ok' });
    const error = await refusal(engine.upsertSchedule('no spaces allowed', { name: 'a', every: 1000 }));
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toContain('id');
    expect((await store.listSchedules({ limit: 10 })).schedules).toEqual([]);
  });
});
