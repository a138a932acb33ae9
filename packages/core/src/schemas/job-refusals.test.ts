import { describe, expect, it } from 'vitest';
import { prepareJob } from './index.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from './limits.js';
import { expectRefusal, NOW } from './schemas.test-helpers.js';

const circular: Record<string, unknown> = {};
circular.self = circular;
let deep: unknown = [];
for (let i = 0; i < 100_000; i++) deep = [deep];

// [case, input, field, words of the expectation]
const BAD_JOBS: [string, unknown, string | undefined, string][] = [
  ['not an object', 5, undefined, "an object with the job's fields"],
  ['null', null, undefined, "an object with the job's fields"],
  ['an array', [], undefined, "an object with the job's fields"],
  ['no name', {}, 'name', 'a name: 1 to 128 characters'],
  ['name not a string', { name: 3 }, 'name', 'a name'],
  ['name empty', { name: '' }, 'name', 'a name'],
  ['name starts with a dot', { name: '.x' }, 'name', 'starting with a letter or digit'],
  ['name with a space', { name: 'send mail' }, 'name', 'a name'],
  ['name of 129 characters', { name: 'a'.repeat(129) }, 'name', '1 to 128 characters'],
  ['tenant upper case', { name: 'a', tenant: 'Acme' }, 'tenant', 'a tenant: 1 to 64 characters of a-z'],
  ['tenant of 65 characters', { name: 'a', tenant: 'a'.repeat(65) }, 'tenant', 'a tenant'],
  ['tenant with a colon', { name: 'a', tenant: 'a:b' }, 'tenant', 'a tenant'],
  ['tenant starts with _', { name: 'a', tenant: '_a' }, 'tenant', 'a tenant'],
  ['priority 12', { name: 'a', priority: 12 }, 'priority', 'an integer from 0 to 9'],
  ['priority -1', { name: 'a', priority: -1 }, 'priority', 'an integer from 0 to 9'],
  ['priority 1.5', { name: 'a', priority: 1.5 }, 'priority', 'an integer from 0 to 9'],
  ['priority a string', { name: 'a', priority: '5' }, 'priority', 'an integer from 0 to 9'],
  ['priority NaN', { name: 'a', priority: Number.NaN }, 'priority', 'an integer from 0 to 9'],
  ['delayMs negative', { name: 'a', delayMs: -1 }, 'delayMs', 'an integer number of milliseconds from 0'],
  ['delayMs fractional', { name: 'a', delayMs: 1.5 }, 'delayMs', 'an integer number of milliseconds'],
  ['delayMs beyond 100 years', { name: 'a', delayMs: 1e15 }, 'delayMs', '(100 years)'],
  [
    'runAt without offset',
    { name: 'a', runAt: '2026-01-01T09:00:00' },
    'runAt',
    'an ISO-8601 date-time with a UTC offset',
  ],
  ['runAt a date only', { name: 'a', runAt: '2026-01-01' }, 'runAt', 'ISO-8601'],
  ['runAt February 30', { name: 'a', runAt: '2026-02-30T00:00:00Z' }, 'runAt', 'ISO-8601'],
  ['runAt hour 24', { name: 'a', runAt: '2026-01-01T24:00:00Z' }, 'runAt', 'ISO-8601'],
  ['runAt a number', { name: 'a', runAt: NOW }, 'runAt', 'ISO-8601'],
  ['runAt an invalid Date', { name: 'a', runAt: new Date(Number.NaN) }, 'runAt', 'a valid Date'],
  ['runAt with delayMs', { name: 'a', delayMs: 5, runAt: '2026-03-01T00:00:00Z' }, 'runAt', 'no runAt when delayMs'],
  ['idempotencyKey empty', { name: 'a', idempotencyKey: '' }, 'idempotencyKey', 'a key: 1 to 255 characters'],
  ['idempotencyKey of 256', { name: 'a', idempotencyKey: 'k'.repeat(256) }, 'idempotencyKey', '1 to 255'],
  ['idempotencyKey with a space', { name: 'a', idempotencyKey: 'a b' }, 'idempotencyKey', 'a key'],
  ['dependsOn not an array', { name: 'a', dependsOn: 'x' }, 'dependsOn', 'an array of at most 100 distinct job ids'],
  ['dependsOn a bad id', { name: 'a', dependsOn: ['ok', 'no good'] }, 'dependsOn.1', 'a name'],
  ['dependsOn repeats', { name: 'a', dependsOn: ['x', 'y', 'x'] }, 'dependsOn.2', 'a job id not already in the list'],
  [
    'dependsOn of 101',
    { name: 'a', dependsOn: Array.from({ length: 101 }, (_, i) => `j${i}`) },
    'dependsOn',
    'at most 100',
  ],
  ['tags not an array', { name: 'a', tags: 'x' }, 'tags', 'an array of at most 32 distinct tags'],
  ['tags of 33', { name: 'a', tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }, 'tags', 'at most 32'],
  ['a tag not like a name', { name: 'a', tags: ['ok', 'not ok'] }, 'tags.1', 'a name'],
  ['a tag repeated', { name: 'a', tags: ['x', 'x'] }, 'tags.1', 'a tag not already in the list'],
  ['maxAttempts 0', { name: 'a', maxAttempts: 0 }, 'maxAttempts', 'an integer from 1 to 1000'],
  ['maxAttempts 1001', { name: 'a', maxAttempts: 1001 }, 'maxAttempts', 'an integer from 1 to 1000'],
  ['timeoutMs 0', { name: 'a', timeoutMs: 0 }, 'timeoutMs', 'an integer number of milliseconds from 1'],
  ['timeoutMs above a Node timer', { name: 'a', timeoutMs: 2 ** 31 }, 'timeoutMs', 'to 2147483647'],
  ['backoff not an object', { name: 'a', backoff: 'fast' }, 'backoff', 'a backoff policy'],
  ['backoff without type', { name: 'a', backoff: { delayMs: 1 } }, 'backoff.type', 'one of "fixed", "linear"'],
  ['backoff bad type', { name: 'a', backoff: { type: 'random', delayMs: 1 } }, 'backoff.type', '"exponential"'],
  ['backoff without delayMs', { name: 'a', backoff: { type: 'fixed' } }, 'backoff.delayMs', 'milliseconds from 0'],
  ['backoff delayMs negative', { name: 'a', backoff: { type: 'fixed', delayMs: -1 } }, 'backoff.delayMs', 'from 0'],
  [
    'backoff maxDelayMs below delayMs',
    { name: 'a', backoff: { type: 'fixed', delayMs: 100, maxDelayMs: 10 } },
    'backoff.maxDelayMs',
    'an integer from delayMs (100)',
  ],
  [
    'backoff maxDelayMs fractional',
    { name: 'a', backoff: { type: 'fixed', delayMs: 1, maxDelayMs: 2.5 } },
    'backoff.maxDelayMs',
    'an integer number of milliseconds',
  ],
  [
    'backoff bad jitter',
    { name: 'a', backoff: { type: 'fixed', delayMs: 1, jitter: 'some' } },
    'backoff.jitter',
    'one of "none", "full", "equal"',
  ],
  [
    'backoff unknown field',
    { name: 'a', backoff: { type: 'fixed', delayMs: 1, jiter: 'full' } },
    'backoff.jiter',
    'did you mean "jitter"?',
  ],
  ['unknown field', { name: 'a', colour: 'red' }, 'colour', 'unknown field (got "red"), expected one of: name, tenant'],
  ['a typo', { name: 'a', priorty: 3 }, 'priorty', 'did you mean "priority"?'],
  ['a schedule field on a job', { name: 'a', cron: '* * * * *' }, 'cron', 'unknown field'],
  ['payload a Date', { name: 'a', payload: new Date(0) }, 'payload', 'JSON: null, a boolean'],
  ['payload a nested Map', { name: 'a', payload: { a: { b: new Map() } } }, 'payload.a.b', 'JSON'],
  ['payload NaN inside', { name: 'a', payload: { n: [1, Number.NaN] } }, 'payload.n.1', 'JSON'],
  ['payload undefined in an array', { name: 'a', payload: [undefined] }, 'payload.0', 'JSON'],
  ['payload a function', { name: 'a', payload: () => 1 }, 'payload', 'JSON'],
  ['payload a bigint', { name: 'a', payload: { n: 1n } }, 'payload.n', 'JSON'],
  ['payload a class instance', { name: 'a', payload: new (class Point {})() }, 'payload', 'a plain object'],
  ['payload circular', { name: 'a', payload: circular }, 'payload', 'got a circular structure'],
  ['payload nested too deeply', { name: 'a', payload: deep }, 'payload', 'nested too deeply'],
];

describe('prepareJob refuses bad input, naming the field and what was expected', () => {
  it.each(BAD_JOBS)('%s', (_case, input, field, expected) => {
    expectRefusal(() => prepareJob(input, NOW), field, expected);
  });

  it('shows the value received', () => {
    const error = expectRefusal(() => prepareJob({ name: 'a', priority: 12 }, NOW), 'priority', 'from 0 to 9');
    expect(error.message).toBe('priority: got 12, expected an integer from 0 to 9');
    expect(expectRefusal(() => prepareJob({ name: 'a', priority: Number.NaN }, NOW), 'priority', '').message).toContain(
      'got NaN',
    );
  });

  it('reports an unknown field before a missing one (a typo explains both)', () => {
    expectRefusal(() => prepareJob({ nmae: 'x' }, NOW), 'nmae', 'did you mean "name"?');
  });

  it('refuses a payload over 1 MiB of JSON with payload_too_large', () => {
    const payload = 'x'.repeat(DEFAULT_MAX_PAYLOAD_BYTES - 2); // JSON adds the two quotes
    expect(prepareJob({ name: 'a', payload }, NOW).payload).toBe(payload);
    const error = expectRefusal(
      () => prepareJob({ name: 'a', payload: `${payload}x` }, NOW),
      'payload',
      '',
      'payload_too_large',
    );
    expect(error.message).toBe('payload: got 1048577 bytes of JSON, expected at most 1048576 bytes');
  });

  it('counts payload bytes as UTF-8 and honours limits.maxPayloadBytes', () => {
    expect(prepareJob({ name: 'a', payload: { é: 'é' } }, NOW, { maxPayloadBytes: 12 }).payload).toEqual({ é: 'é' });
    expectRefusal(
      () => prepareJob({ name: 'a', payload: { é: 'éé' } }, NOW, { maxPayloadBytes: 12 }),
      'payload',
      'at most 12 bytes',
      'payload_too_large',
    );
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses limits.maxPayloadBytes %s', (maxPayloadBytes) => {
    expectRefusal(
      () => prepareJob({ name: 'a' }, NOW, { maxPayloadBytes }),
      'limits.maxPayloadBytes',
      'a positive integer',
    );
  });
});
