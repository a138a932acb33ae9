import { describe, expect, it } from 'vitest';
import { tenantOfJobId } from '../model/ids.js';
import { prepareJob, prepareJobBatch, prepareJobs } from './index.js';
import { expectRefusal, NOW } from './schemas.test-helpers.js';

describe('prepareJob accepts good input', () => {
  it('fills the defaults', () => {
    const job = prepareJob({ name: 'email.send' }, NOW);
    expect(job).toEqual({
      id: expect.any(String),
      name: 'email.send',
      tenant: 'default',
      payload: null,
      priority: 5,
      tags: [],
      maxAttempts: 1,
      backoff: undefined,
      timeoutMs: undefined,
      idempotencyKey: undefined,
      dependsOn: [],
      runAt: undefined,
      scheduleId: undefined,
      scheduledFor: undefined,
    });
    expect(tenantOfJobId(job.id)).toBe('default');
  });

  it('keeps every field given', () => {
    const input = {
      name: 'report:build_v2',
      tenant: 'acme-eu_1',
      payload: { to: ['a@b.c'], n: 1.5, ok: true, nothing: null, skipped: undefined },
      priority: 9,
      idempotencyKey: 'invoice/2026-0001@acme+x=1',
      dependsOn: ['acme-eu_1:0mjuohs00573f555d4adb1f6f', 'other'],
      tags: ['billing', 'v2.1'],
      maxAttempts: 1000,
      backoff: { type: 'exponential', delayMs: 500, maxDelayMs: 60_000, jitter: 'equal' },
      timeoutMs: 2 ** 31 - 1,
    };
    const job = prepareJob(input, NOW);
    expect(job).toMatchObject({ ...input, runAt: undefined, scheduleId: undefined });
    expect(job.id.startsWith('acme-eu_1:')).toBe(true);
  });

  it('gives each job a new id', () => {
    expect(prepareJob({ name: 'a' }, NOW).id).not.toBe(prepareJob({ name: 'a' }, NOW).id);
  });

  it('takes null for an optional field as absent', () => {
    const job = prepareJob({ name: 'a', tenant: null, priority: null, tags: null, backoff: null, payload: null }, NOW);
    expect(job).toMatchObject({ tenant: 'default', priority: 5, tags: [], backoff: undefined, payload: null });
  });

  it('turns delayMs into runAt', () => {
    expect(prepareJob({ name: 'a', delayMs: 1500 }, NOW).runAt).toBe(NOW + 1500);
    expect(prepareJob({ name: 'a', delayMs: 0 }, NOW).runAt).toBeUndefined();
  });

  it.each([
    ['2026-01-01T00:00:01Z', NOW + 1000],
    ['2026-01-01T01:00:00.250+01:00', NOW + 250],
    ['2025-12-31T19:00:05-05:00', NOW + 5000],
    ['2026-01-01t00:00:00.123456789z', NOW + 123],
    ['2028-02-29T00:00:00Z', Date.UTC(2028, 1, 29)],
  ])('parses runAt %s', (runAt, expected) => {
    expect(prepareJob({ name: 'a', runAt }, NOW).runAt).toBe(expected);
  });

  it('takes runAt as a Date, and a runAt already come as "ready now"', () => {
    expect(prepareJob({ name: 'a', runAt: new Date(NOW + 60_000) }, NOW).runAt).toBe(NOW + 60_000);
    expect(prepareJob({ name: 'a', runAt: new Date(NOW) }, NOW).runAt).toBeUndefined();
    expect(prepareJob({ name: 'a', runAt: '2020-01-01T00:00:00Z' }, NOW).runAt).toBeUndefined();
  });

  it('accepts the longest names, tenants, keys and lists', () => {
    const job = prepareJob(
      {
        name: `A${'z'.repeat(127)}`,
        tenant: `0${'-'.repeat(63)}`,
        idempotencyKey: 'k'.repeat(255),
        tags: Array.from({ length: 32 }, (_, i) => `t${i}`),
        dependsOn: Array.from({ length: 100 }, (_, i) => `j${i}`),
        priority: 0,
      },
      NOW,
    );
    expect(job.tags).toHaveLength(32);
    expect(job.dependsOn).toHaveLength(100);
  });
});

describe('prepareJobs and prepareJobBatch', () => {
  it('prepares every job of a batch', () => {
    const jobs = prepareJobs([{ name: 'a' }, { name: 'b', tenant: 't2', delayMs: 10 }], NOW);
    expect(jobs.map((j) => [j.name, j.tenant, j.runAt])).toEqual([
      ['a', 'default', undefined],
      ['b', 't2', NOW + 10],
    ]);
    expect(prepareJobBatch({ jobs: [{ name: 'a' }] }, NOW)).toHaveLength(1);
  });

  it('names a bad field with the job index', () => {
    const batch = [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'bad name' }];
    expectRefusal(() => prepareJobs(batch, NOW), 'jobs.3.name', 'a name');
    expectRefusal(() => prepareJobBatch({ jobs: batch }, NOW), 'jobs.3.name', 'a name');
    expectRefusal(
      () => prepareJobs([{ name: 'a', backoff: { type: 'x', delayMs: 1 } }], NOW),
      'jobs.0.backoff.type',
      'one of',
    );
    expectRefusal(() => prepareJobs([{ name: 'a' }, 7], NOW), 'jobs.1', "an object with the job's fields");
    expectRefusal(
      () => prepareJobs([{ name: 'a', delayMs: 1, runAt: new Date(NOW) }], NOW),
      'jobs.0.runAt',
      'no runAt',
    );
    expectRefusal(
      () => prepareJobs([{ name: 'a', payload: 'é'.repeat(10) }], NOW, { maxPayloadBytes: 10 }),
      'jobs.0.payload',
      'at most 10 bytes',
      'payload_too_large',
    );
  });

  it('refuses an empty batch and one of more than 10,000 jobs', () => {
    expectRefusal(() => prepareJobs([], NOW), 'jobs', 'got 0 items, expected an array of 1 to 10000 jobs');
    const many = Array.from({ length: 10_001 }, () => ({ name: 'a' }));
    expectRefusal(() => prepareJobs(many, NOW), 'jobs', 'got 10001 items');
    expectRefusal(() => prepareJobBatch({ jobs: many }, NOW), 'jobs', 'got 10001 items');
    expect(prepareJobs(many.slice(1), NOW)).toHaveLength(10_000);
  });

  it('refuses one idempotencyKey twice for one tenant in a batch', () => {
    const jobs = [
      { name: 'a', idempotencyKey: 'k' },
      { name: 'b', idempotencyKey: 'k', tenant: 'other' },
      { name: 'c', idempotencyKey: 'k' },
    ];
    expectRefusal(() => prepareJobs(jobs, NOW), 'jobs.2.idempotencyKey', '(jobs.0 uses it)');
    expect(prepareJobs(jobs.slice(0, 2), NOW)).toHaveLength(2);
  });

  it.each([
    ['not an object', [], undefined, 'an object with a "jobs" array'],
    ['no jobs', {}, 'jobs', 'an array of 1 to 10000 jobs'],
    ['jobs not an array', { jobs: { name: 'a' } }, 'jobs', 'an array of 1 to 10000 jobs'],
    ['unknown field', { jobs: [{ name: 'a' }], atomic: true }, 'atomic', 'unknown field'],
  ])('prepareJobBatch refuses a body %s', (_case, body, field, expected) => {
    expectRefusal(() => prepareJobBatch(body, NOW), field, expected);
  });
});
