import { type ActivityQuery, createMemoryStore, type Settlement, type Store } from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import type { Scope } from './auth/grant.js';
import { hashToken, TokenTable } from './auth/tokens.js';
import { body, errorOf, START, storeContents, testServer } from './server.test-helpers.js';

const MINUTE = 60_000;

/** The memory store with `activity` replaced (or removed, with `undefined`), the rest as it is. */
function storeWith(activity: Store['activity']): Store {
  const store = createMemoryStore();
  return new Proxy(store, {
    get(target, key) {
      if (key === 'activity') return activity;
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A store whose activity answers one succeeded job a minute per tenant asked for, recording each query. */
function recordingStore(): { store: Store; queries: ActivityQuery[] } {
  const queries: ActivityQuery[] = [];
  const store = storeWith(async (query) => {
    queries.push(query);
    const last = Math.floor(query.now / MINUTE) * MINUTE;
    const per = query.tenants === undefined ? 10 : query.tenants.length;
    return Array.from({ length: query.minutes }, (_, i) => ({
      at: last - (query.minutes - 1 - i) * MINUTE,
      succeeded: per,
      failed: 0,
      retried: 0,
    }));
  });
  return { store, queries };
}

const TOKENS: [name: string, scopes: Scope[], tenants: string[] | '*'][] = [
  ['acme', ['read'], ['acme']],
  ['two', ['read'], ['bolt', 'acme']],
  ['everyone', ['read'], '*'],
  ['admin', ['admin'], ['acme']],
  ['writer', ['write'], ['acme']],
];
const table = new TokenTable(
  TOKENS.map(([name, scopes, tenants]) => ({ name, sha256: hashToken(`secret-${name}`), tenants, scopes })),
);
const as = (name: string) => ({ authorization: `Bearer secret-${name}` });

/** Claims the one waiting job and settles it. */
async function finish(store: Store, now: number, outcome: 'succeeded' | 'failed'): Promise<void> {
  const [claimed] = await store.claim({ workerId: 'w1', limit: 1, leaseMs: 30_000, now });
  if (claimed === undefined) throw new Error('nothing to claim');
  const { id: jobId, lease } = claimed;
  const settlement: Settlement =
    outcome === 'succeeded'
      ? { jobId, token: lease.token, outcome, result: null }
      : { jobId, token: lease.token, outcome, error: { code: 'handler_error', message: 'boom' } };
  await store.settle([settlement], now);
}

describe('GET /v1/activity', () => {
  it('answers jobs ended per minute, oldest first, ending with the current minute, from the store', async () => {
    const s = testServer();
    await s.clock.advance(5 * MINUTE + 30_000);
    for (const [tenant, outcome] of [
      ['acme', 'succeeded'],
      ['acme', 'failed'],
      ['bolt', 'succeeded'],
    ] as const) {
      await s.app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a', tenant } });
      await finish(s.store, s.clock.now(), outcome);
    }
    const all = body(await s.app.inject({ url: '/v1/activity?minutes=3' }));
    expect(all.minutes).toEqual([
      { at: '2026-01-01T00:03:00.000Z', succeeded: 0, failed: 0, retried: 0 },
      { at: '2026-01-01T00:04:00.000Z', succeeded: 0, failed: 0, retried: 0 },
      { at: '2026-01-01T00:05:00.000Z', succeeded: 2, failed: 1, retried: 0 },
    ]);
    expect(all.unsupported).toBeUndefined();
    const acme = body(await s.app.inject({ url: '/v1/activity?minutes=1&tenant=acme' }));
    expect(acme.minutes).toEqual([{ at: '2026-01-01T00:05:00.000Z', succeeded: 1, failed: 1, retried: 0 }]);
    const hour = body(await s.app.inject({ url: '/v1/activity' }));
    expect(hour.minutes).toHaveLength(60);
    expect(hour.minutes[0].at).toBe('2025-12-31T23:06:00.000Z');
  });

  it('asks the store for the tenants of the token, or the one asked for', async () => {
    const { store, queries } = recordingStore();
    const s = testServer({ store, tokens: () => table });
    const ask = async (token: string, query = '') => {
      const response = await s.app.inject({ url: `/v1/activity?minutes=2${query}`, headers: as(token) });
      expect(response.statusCode, response.body).toBe(200);
      return body(response).minutes.map((m: { succeeded: number }) => m.succeeded);
    };
    expect(await ask('acme')).toEqual([1, 1]);
    expect(await ask('two')).toEqual([2, 2]);
    expect(await ask('everyone')).toEqual([10, 10]);
    expect(await ask('admin')).toEqual([10, 10]);
    expect(await ask('two', '&tenant=bolt')).toEqual([1, 1]);
    expect(queries.map((q) => q.tenants)).toEqual([['acme'], ['acme', 'bolt'], undefined, undefined, ['bolt']]);
    expect(queries.every((q) => q.now === Date.parse(START) && q.minutes === 2)).toBe(true);
  });

  it("answers another tenant's activity as if it had none, without asking the store", async () => {
    const { store, queries } = recordingStore();
    const s = testServer({ store, tokens: () => table });
    await s.clock.advance(90_000);
    const response = await s.app.inject({ url: '/v1/activity?minutes=2&tenant=bolt', headers: as('acme') });
    expect(response.statusCode).toBe(200);
    expect(body(response).minutes).toEqual([
      { at: '2026-01-01T00:00:00.000Z', succeeded: 0, failed: 0, retried: 0 },
      { at: '2026-01-01T00:01:00.000Z', succeeded: 0, failed: 0, retried: 0 },
    ]);
    expect(queries).toEqual([]);
  });

  it('asks for a token (401) with the read scope (403)', async () => {
    const s = testServer({ store: recordingStore().store, tokens: () => table });
    const none = await s.app.inject({ url: '/v1/activity' });
    expect(none.statusCode).toBe(401);
    expect(errorOf(none).code).toBe('unauthorized');
    const writer = await s.app.inject({ url: '/v1/activity', headers: as('writer') });
    expect(writer.statusCode).toBe(403);
    expect(errorOf(writer)).toEqual({ code: 'forbidden', message: 'authorization: this token has no "read" scope' });
  });

  it('says so when the store keeps no activity', async () => {
    const s = testServer({ store: storeWith(undefined) });
    const response = await s.app.inject({ url: '/v1/activity?minutes=5' });
    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual({ minutes: [], unsupported: true });
  });

  it.each([
    ['minutes=0', 'minutes'],
    ['minutes=61', 'minutes'],
    ['minutes=1.5', 'minutes'],
    ['minutes=', 'minutes'],
    ['minutes=5&minutes=6', 'minutes'],
    ['tenant=ACME', 'tenant'],
    ['colour=red', 'colour'],
  ])('refuses ?%s, naming %s and writing nothing', async (query, field) => {
    const s = testServer();
    const before = await storeContents(s.store);
    const response = await s.app.inject({ url: `/v1/activity?${query}` });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe('invalid_argument');
    expect(errorOf(response).message.startsWith(`${field}: `)).toBe(true);
    expect(await storeContents(s.store)).toEqual(before);
  });
});
