// The client's schedule limits, as createClient is given them: the shortest `every` and the
// most schedules per tenant, checked by the client and the Redis store's own write.
import { createRedisStore } from '@cadenza/store-redis';
import { type RedisHarness, startRedis } from '@cadenza/store-redis/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CadenzaClient } from './client.js';
import { expectRefusal } from './client.test-helpers.js';
import { type ClientOptions, createClient } from './create-client.js';

let redis: RedisHarness;
const opened: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await redis.stop();
});

interface Deployment {
  /** A client of this deployment. */
  client(options?: ClientOptions): CadenzaClient;
  /** The ids of a tenant's schedules, as the store holds them. */
  scheduleIds(tenant?: string): Promise<string[]>;
}

/** Clients on one fresh prefix, as services of one deployment would be. */
function deployment(): Deployment {
  const prefix = redis.prefix();
  const store = createRedisStore({ url: redis.url, prefix });
  opened.push(store);
  return {
    client(options = {}) {
      const client = createClient({ url: redis.url, prefix, ...options });
      opened.push(client);
      return client;
    },
    async scheduleIds(tenant = 'default') {
      return (await store.listSchedules({ tenant, limit: 2000 })).schedules.map((s) => s.id).sort();
    },
  };
}

describe('createClient and the shortest every', () => {
  it('refuses an every under 1,000 ms by default, naming every and the minimum; writes nothing', async () => {
    const d = deployment();
    const client = d.client();
    const error = await expectRefusal(client.upsertSchedule('fast', { name: 'tick', every: 999 }), 'invalid_argument');
    expect(error.message).toMatch(/^every: got 999, expected .*from 1000 \(the minimum interval\)/);
    expect(await d.scheduleIds()).toEqual([]);
    expect((await client.upsertSchedule('fast', { name: 'tick', every: 1000 })).created).toBe(true);
  });

  it('follows limits.minIntervalMs', async () => {
    const client = deployment().client({ limits: { minIntervalMs: 10 } });
    expect((await client.upsertSchedule('fast', { name: 'tick', every: 10 })).schedule.trigger).toMatchObject({
      every: 10,
    });
    const strict = deployment().client({ limits: { minIntervalMs: 3_600_000 } });
    const error = await expectRefusal(
      strict.upsertSchedule('hourly', { name: 'tick', every: 60_000 }),
      'invalid_argument',
    );
    expect(error.message).toContain('from 3600000 (the minimum interval)');
  });

  it('refuses a bad limit when the client is made', () => {
    expect(() => deployment().client({ limits: { minIntervalMs: -1 } })).toThrow(/limits\.minIntervalMs: got -1/);
  });
});

describe('createClient and the most schedules per tenant', () => {
  it('refuses one more with resource_exhausted naming the limit, across clients, even when they race', async () => {
    const d = deployment();
    const a = d.client({ limits: { maxSchedulesPerTenant: 3 } });
    const b = d.client({ limits: { maxSchedulesPerTenant: 3 } });
    await a.upsertSchedule('first', { name: 'tick', every: 60_000 });
    const outcomes = await Promise.allSettled(
      ['r1', 'r2', 'r3', 'r4'].map((id, i) =>
        (i % 2 === 0 ? a : b).upsertSchedule(id, { name: 'tick', every: 60_000 }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        expect(outcome.reason).toMatchObject({ code: 'resource_exhausted' });
        expect(String(outcome.reason.message)).toContain('maxSchedulesPerTenant 3');
      }
    }
    const created = ['r1', 'r2', 'r3', 'r4'].filter((_id, i) => outcomes[i]?.status === 'fulfilled');
    expect(await d.scheduleIds()).toEqual(['first', ...created].sort());
    // Replacing is always allowed; another tenant counts on its own.
    expect((await a.upsertSchedule('first', { name: 'tick', every: 120_000 })).created).toBe(false);
    expect((await b.upsertSchedule('first', { name: 'tick', tenant: 'beta', every: 60_000 })).created).toBe(true);
  });

  it('holds 1,000 schedules per tenant by default', async () => {
    const d = deployment();
    const client = d.client();
    for (let i = 0; i < 1000; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, k) => client.upsertSchedule(`s${i + k}`, { name: 'tick', every: 60_000 })),
      );
    }
    const error = await expectRefusal(
      client.upsertSchedule('one-more', { name: 'tick', every: 60_000 }),
      'resource_exhausted',
    );
    expect(error.message).toContain('maxSchedulesPerTenant 1000');
    expect(await d.scheduleIds()).toHaveLength(1000);
  });
});
