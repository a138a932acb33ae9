import { describe, expect, it } from 'vitest';
import type { Scope } from './auth/grant.js';
import { hashToken, TokenTable } from './auth/tokens.js';
import { body, errorOf, storeContents, testServer } from './server.test-helpers.js';

const preview = (s: ReturnType<typeof testServer>, payload: unknown, headers: Record<string, string> = {}) =>
  s.app.inject({ method: 'POST', url: '/v1/schedules/preview', payload: payload as object, headers });

describe('POST /v1/schedules/preview', () => {
  it('says a cron trigger in words and lists its next 5 fires in its zone, after now', async () => {
    const s = testServer();
    const response = await preview(s, { cron: '30 9 * * 1-5', tz: 'Europe/Berlin' });
    expect(response.statusCode).toBe(200);
    // The clock starts on Thursday 2026-01-01 00:00 UTC; 09:30 in Berlin is 08:30 UTC in winter.
    expect(body(response)).toEqual({
      description: 'At 09:30, Monday through Friday',
      tz: 'Europe/Berlin',
      fires: [
        '2026-01-01T08:30:00.000Z',
        '2026-01-02T08:30:00.000Z',
        '2026-01-05T08:30:00.000Z',
        '2026-01-06T08:30:00.000Z',
        '2026-01-07T08:30:00.000Z',
      ],
    });
  });

  it('takes after and count, and lists fires strictly after after', async () => {
    const s = testServer();
    const every = body(await preview(s, { every: 5_400_000, after: '2026-03-01T00:00:00Z', count: 2 }));
    expect(every).toEqual({
      description: 'Every 90 minutes',
      tz: null,
      fires: ['2026-03-01T01:30:00.000Z', '2026-03-01T03:00:00.000Z'],
    });
    // Clocks go forward in Berlin on 29 March 2026: 02:30 does not exist that day and fires at 03:30.
    const spring = body(
      await preview(s, { cron: '30 2 * * *', tz: 'Europe/Berlin', after: '2026-03-28T12:00:00Z', count: 3 }),
    );
    expect(spring.fires).toEqual(['2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
    const fifty = body(await preview(s, { cron: '* * * * *', count: 50 }));
    expect(fifty.fires).toHaveLength(50);
    expect(fifty.tz).toBe('UTC');
  });

  it('previews at and manual triggers', async () => {
    const s = testServer();
    expect(body(await preview(s, { at: '2026-03-29T03:30:00+02:00' }))).toEqual({
      description: 'Once, at 2026-03-29T01:30:00Z',
      tz: null,
      fires: ['2026-03-29T01:30:00.000Z'],
    });
    expect(body(await preview(s, { at: '2025-06-01T00:00:00Z' })).fires).toEqual([]);
    expect(body(await preview(s, { manual: true }))).toEqual({
      description: 'Only when triggered',
      tz: null,
      fires: [],
    });
  });

  it.each<[string, Record<string, unknown>]>([
    ['no trigger', {}],
    ['two triggers', { cron: '* * * * *', every: 60_000 }],
    ['a bad cron', { cron: '61 * * * *' }],
    ['a cron of 4 fields', { cron: '* * * *' }],
    ['a date that never comes', { cron: '0 0 30 2 *' }],
    ['a cron that is not a string', { cron: 5 }],
    ['an unknown zone', { cron: '* * * * *', tz: 'Mars/Olympus' }],
    ['tz with every', { every: 60_000, tz: 'UTC' }],
    ['startAt with cron', { cron: '* * * * *', startAt: '2026-01-01T00:00:00Z' }],
    ['every below the minimum interval', { every: 500 }],
    ['every not an integer', { every: 1000.5 }],
    ['at without offset', { at: '2026-01-01T00:00' }],
    ['manual: "yes"', { manual: 'yes' }],
  ])('refuses %s with the very answer of PUT /v1/schedules/:id, writing nothing', async (_case, trigger) => {
    const s = testServer({ limits: { minIntervalMs: 1000 } });
    const before = await storeContents(s.store);
    const refused = await preview(s, trigger);
    const put = await s.app.inject({
      method: 'PUT',
      url: '/v1/schedules/digest',
      payload: { name: 'report', ...trigger },
    });
    expect(refused.statusCode).toBe(400);
    expect(put.statusCode).toBe(400);
    expect(errorOf(refused).code).toBe('invalid_argument');
    expect(errorOf(refused)).toEqual(errorOf(put));
    expect(await storeContents(s.store)).toEqual(before);
  });

  it.each<[string, unknown, string]>([
    ['count 0', { cron: '* * * * *', count: 0 }, 'count'],
    ['count 51', { cron: '* * * * *', count: 51 }, 'count'],
    ['after not an instant', { cron: '* * * * *', after: 'soon' }, 'after'],
    ['a schedule field', { cron: '* * * * *', name: 'report' }, 'name'],
    ['an array', [], 'body'],
  ])('refuses %s, naming %s', async (_case, payload, field) => {
    const s = testServer();
    const response = await preview(s, payload);
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).message.startsWith(`${field}: `)).toBe(true);
  });

  it('refuses an empty body and a query parameter', async () => {
    const s = testServer();
    const empty = await s.app.inject({ method: 'POST', url: '/v1/schedules/preview' });
    expect(empty.statusCode).toBe(400);
    expect(errorOf(empty).message).toMatch(/^body: /);
    const query = await s.app.inject({
      method: 'POST',
      url: '/v1/schedules/preview?tenant=acme',
      payload: { manual: true },
    });
    expect(query.statusCode).toBe(400);
    expect(errorOf(query).message).toMatch(/^tenant: unknown query parameter/);
  });

  it('needs a token with the read scope, of any tenant', async () => {
    const tokens: [string, Scope[]][] = [
      ['reader', ['read']],
      ['writer', ['write']],
    ];
    const table = new TokenTable(
      tokens.map(([name, scopes]) => ({ name, sha256: hashToken(name), tenants: ['bolt'], scopes })),
    );
    const s = testServer({ tokens: () => table });
    const trigger = { cron: '@daily' };
    expect((await preview(s, trigger)).statusCode).toBe(401);
    const writer = await preview(s, trigger, { authorization: 'Bearer writer' });
    expect(writer.statusCode).toBe(403);
    expect(errorOf(writer).message).toBe('authorization: this token has no "read" scope');
    const reader = await preview(s, trigger, { authorization: 'Bearer reader' });
    expect(reader.statusCode).toBe(200);
    expect(body(reader).description).toBe('At 00:00, every day');
  });
});
