import { CadenzaError, definedOnly, type ScheduleDefinition } from '@cadenza/core';
import { newJobId } from '@cadenza/core/store-kit';
import { scheduleDefinition } from '@cadenza/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisHarness, startRedis } from '../../testing/redis-server.js';
import { createRedisStore, type RedisStore } from '../redis-store.js';

// What the conformance suite does not reach: races, several tenants, raw rows.
let redis: RedisHarness;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

/** core's test schedule, with a payload whose exact round trip is asserted below. */
function definition(fields: Partial<ScheduleDefinition> = {}): ScheduleDefinition {
  const base = scheduleDefinition();
  return scheduleDefinition({ job: { ...base.job, name: 'n', payload: { f: 0.1 + 0.2, list: [] } }, ...fields });
}

async function withStore(test: (store: RedisStore) => Promise<void>): Promise<void> {
  const store = createRedisStore({ url: redis.url, prefix: redis.prefix() });
  try {
    await test(store);
  } finally {
    await store.close();
  }
}

describe('schedules on redis', () => {
  it('keeps a payload and empty arrays exactly', async () => {
    await withStore(async (store) => {
      const { schedule } = await store.upsertSchedule(definition(), T0);
      expect(await store.getSchedule('acme', 'digest')).toStrictEqual(schedule);
    });
  });

  it('reads a row written before lastJobId was kept (seven fields), and keeps it from the next fire', async () => {
    const prefix = redis.prefix();
    const store = createRedisStore({ url: redis.url, prefix });
    const client = redis.client();
    try {
      await store.upsertSchedule(definition(), T0);
      const first = await store.triggerSchedule('acme', 'digest', T0 + MINUTE);
      const key = `${prefix}:{t:acme}:h`;
      const row = (await client.hget(key, 'digest')) as string;
      const fields = row.split('\0');
      expect(fields).toHaveLength(8);
      expect(fields[7]).toBe(first.id.slice('acme:'.length));
      // As the previous version wrote it: no eighth field.
      await client.hset(key, 'digest', fields.slice(0, 7).join('\0'));
      const old = await store.getSchedule('acme', 'digest');
      expect(old).toMatchObject({ runCount: 1, lastFireAt: T0 + MINUTE });
      expect(old?.lastJobId).toBeUndefined();
      // Replacing it writes none; the next fire, by hand or by the coordinator, does.
      await store.upsertSchedule(definition({ misfire: 'skip' }), T0 + MINUTE);
      expect((await store.getSchedule('acme', 'digest'))?.lastJobId).toBeUndefined();
      const next = await store.triggerSchedule('acme', 'digest', T0 + 2 * MINUTE);
      expect((await store.getSchedule('acme', 'digest'))?.lastJobId).toBe(next.id);
      await store.upsertSchedule(definition(), T0 + 3 * MINUTE);
      expect((await store.getSchedule('acme', 'digest'))?.lastJobId).toBe(next.id);
    } finally {
      await store.close();
      client.disconnect();
    }
  });

  it('concurrent upserts all land; the last history is kept', async () => {
    await withStore(async (store) => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.upsertSchedule(definition({ job: { ...definition().job, priority: i } }), T0 + i),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const stored = await store.getSchedule('acme', 'digest');
      expect(stored?.createdAt).toBe(Math.min(...results.filter((r) => r.created).map((r) => r.schedule.createdAt)));
    });
  });

  it('lists across tenants by tenant then id, with a cursor', async () => {
    await withStore(async (store) => {
      for (const tenant of ['b', 'a', 'c'])
        for (const id of ['y', 'x']) await store.upsertSchedule(definition({ tenant, id }), T0);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listSchedules({ limit: 4, ...definedOnly({ cursor }) });
        seen.push(...page.schedules.map((s) => `${s.tenant}/${s.id}`));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(seen).toEqual(['a/x', 'a/y', 'b/x', 'b/y', 'c/x', 'c/y']);
      await expect(store.listSchedules({ limit: 1, cursor: 'nope' })).rejects.toBeInstanceOf(CadenzaError);
    });
  });

  it('dueSchedules merges tenants earliest first', async () => {
    await withStore(async (store) => {
      await store.upsertSchedule(definition({ tenant: 'b', trigger: { kind: 'at', at: T0 + 2 } }), T0);
      await store.upsertSchedule(definition({ tenant: 'a', trigger: { kind: 'at', at: T0 + 3 } }), T0);
      await store.upsertSchedule(definition({ tenant: 'c', trigger: { kind: 'at', at: T0 + 1 } }), T0);
      expect((await store.dueSchedules(T0 + 5, 2)).map((s) => s.tenant)).toEqual(['c', 'b']);
    });
  });

  it('recordFires across tenants, delayed jobs, and a taken id refused before writing', async () => {
    await withStore(async (store) => {
      const fence = await store.acquireLeadership('n1', 10_000, T0);
      if (fence === undefined) throw new Error('no lead');
      const a = (await store.upsertSchedule(definition({ tenant: 'a' }), T0)).schedule;
      const b = (await store.upsertSchedule(definition({ tenant: 'b' }), T0)).schedule;
      const job = (tenant: string, at: number, runAt?: number) => ({
        id: newJobId(tenant, at),
        name: 'n',
        tenant,
        payload: null,
        priority: 3,
        tags: [],
        maxAttempts: 1,
        backoff: undefined,
        timeoutMs: undefined,
        idempotencyKey: undefined,
        dependsOn: [],
        runAt,
        scheduleId: 'digest',
        scheduledFor: at,
      });
      const results = await store.recordFires(
        fence,
        [
          {
            tenant: 'a',
            scheduleId: 'digest',
            expectedNextFireAt: a.nextFireAt ?? 0,
            jobs: [job('a', T0 + MINUTE)],
            nextFireAt: T0 + 2 * MINUTE,
          },
          {
            tenant: 'b',
            scheduleId: 'digest',
            expectedNextFireAt: b.nextFireAt ?? 0,
            jobs: [job('b', T0 + MINUTE, T0 + 5 * MINUTE)],
            nextFireAt: undefined,
          },
        ],
        T0 + MINUTE,
      );
      expect(results.map((r) => r.applied)).toEqual([true, true]);
      expect((await store.getJob(results[1]?.jobIds[0] ?? ''))?.status).toBe('delayed');
      expect(await store.getSchedule('b', 'digest')).toMatchObject({
        nextFireAt: undefined,
        lastFireAt: T0 + MINUTE,
        runCount: 1,
      });
      expect(await store.dueSchedules(T0 + 100 * MINUTE, 10)).toHaveLength(1);

      const taken = { ...job('a', T0 + 2 * MINUTE), id: results[0]?.jobIds[0] ?? '' };
      await expect(
        store.recordFires(
          fence,
          [
            {
              tenant: 'a',
              scheduleId: 'digest',
              expectedNextFireAt: T0 + 2 * MINUTE,
              jobs: [taken],
              nextFireAt: T0 + 3 * MINUTE,
            },
          ],
          T0 + 2 * MINUTE,
        ),
      ).rejects.toMatchObject({ code: 'invalid_argument' });
      const foreign = { ...job('a', T0 + 2 * MINUTE), id: newJobId('b', T0) };
      await expect(
        store.recordFires(
          fence,
          [
            {
              tenant: 'a',
              scheduleId: 'digest',
              expectedNextFireAt: T0 + 2 * MINUTE,
              jobs: [foreign],
              nextFireAt: T0 + 3 * MINUTE,
            },
          ],
          T0 + 2 * MINUTE,
        ),
      ).rejects.toMatchObject({ code: 'invalid_argument' });
      expect(await store.getSchedule('a', 'digest')).toMatchObject({ nextFireAt: T0 + 2 * MINUTE, runCount: 1 });
    });
  });

  it('signals: one subscriber connection, closed with the last listener', async () => {
    const prefix = redis.prefix();
    const store = createRedisStore({ url: redis.url, prefix });
    const admin = redis.client();
    const subscribers = async () => Number(((await admin.pubsub('NUMSUB', `${prefix}:signal`)) as unknown[])[1]);
    try {
      const heard: string[] = [];
      const off1 = store.subscribe((s) => heard.push(s));
      const off2 = store.subscribe(() => {
        throw new Error('broken listener');
      });
      const off3 = store.subscribe((s) => heard.push(s));
      await store.upsertSchedule(definition(), T0);
      for (let i = 0; i < 100 && heard.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
      expect(heard).toEqual(['due', 'due']);
      expect(await subscribers()).toBe(1);
      off1();
      off2();
      expect(await subscribers()).toBe(1);
      off3();
      await new Promise((r) => setTimeout(r, 50));
      expect(await subscribers()).toBe(0);
      store.subscribe(() => undefined);
      await store.ping();
      expect(await subscribers()).toBe(1);
      await store.close();
      expect(await subscribers()).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('signals: the subscriber comes back after redis restarts', async () => {
    await withStore(async (store) => {
      const heard: string[] = [];
      store.subscribe((s) => heard.push(s));
      await store.ping();
      await redis.restart();
      for (let i = 0; i < 400 && heard.length === 0; i++) {
        await store.upsertSchedule(definition({ id: `s${i}` }), T0).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(heard).toContain('due');
    });
  });
});
