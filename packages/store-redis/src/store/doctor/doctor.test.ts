import type { DoctorCheck, DoctorReport } from '@cadenza/core';
import { newJob, scheduleDefinition } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import { band } from '../../band.js';
import { gateKeys, localId, readyKey, tenantKeys, tenantsKey } from '../../keys.js';
import { redisPerFile } from '../../testing/redis-per-file.test-helpers.js';
import type { RedisStore } from '../redis-store.js';

// `doctor()` on a real redis-server: silent on a store with jobs in every state, and each
// invariant broken by hand is found, named, repaired when that is safe, and gone after.
const redis = redisPerFile();
const T0 = Date.parse('2026-03-01T12:00:00Z');
const TENANT = 'acme';

interface Scene {
  store: RedisStore;
  prefix: string;
  ids: Record<'waiting' | 'delayed' | 'parent' | 'child' | 'active' | 'done' | 'failed' | 'gated', string>;
}

/** A store with a job in every status, a resource held, a dependency and two schedules. */
async function scene(): Promise<Scene> {
  const { store, prefix } = redis.freshStore({ resources: { gpu: 2 } });
  const job = (fields: Parameters<typeof newJob>[0] = {}) => newJob({ tenant: TENANT, ...fields });
  const active = job({ name: 'train', resources: { gpu: 1 } });
  const done = job();
  const failed = job();
  await store.enqueue([active, done, failed], T0);
  const claimed = await store.claim({ workerId: 'w1', limit: 3, leaseMs: 30_000, now: T0 });
  expect(claimed.map((c) => c.id).sort()).toEqual([active.id, done.id, failed.id].sort());
  const token = (id: string) => claimed.find((c) => c.id === id)?.lease.token as string;
  await store.settle(
    [
      { jobId: done.id, token: token(done.id), outcome: 'succeeded', result: 1 },
      { jobId: failed.id, token: token(failed.id), outcome: 'failed', error: { code: 'boom', message: 'no' } },
    ],
    T0 + 1,
  );
  // Alone in the store, a job needing both units while the active one holds one parks.
  const gated = job({ name: 'train', priority: 9, resources: { gpu: 2 } });
  await store.enqueue([gated], T0 + 2);
  expect(await store.claim({ workerId: 'w2', limit: 1, leaseMs: 30_000, now: T0 + 3 })).toEqual([]);
  const waiting = job({ idempotencyKey: 'once' });
  const delayed = job({ runAt: T0 + 60_000 });
  const parent = job();
  const child = job({ dependsOn: [parent.id] });
  await store.enqueue([waiting, delayed, parent, child], T0 + 4);
  await store.upsertSchedule(scheduleDefinition({ id: 'digest', tenant: TENANT }), T0);
  await store.upsertSchedule(
    scheduleDefinition({
      id: 'nightly',
      tenant: TENANT,
      trigger: { kind: 'cron', cron: '0 3 * * *', tz: 'Europe/Paris' },
    }),
    T0,
  );
  const ids = { waiting: waiting.id, delayed: delayed.id, parent: parent.id, child: child.id, active: active.id };
  return { store, prefix, ids: { ...ids, done: done.id, failed: failed.id, gated: gated.id } };
}

function found(report: DoctorReport): [DoctorCheck, string][] {
  return report.findings.map((f) => [f.check, f.subject]);
}

async function doctor(store: RedisStore, repair = false): Promise<DoctorReport> {
  const check = store.doctor;
  if (check === undefined) throw new Error('the Redis store has a doctor');
  return check.call(store, { repair, now: T0 + 10 });
}

describe('doctor on Redis', () => {
  it('finds nothing on a healthy store with jobs in every state, and says what it read', async () => {
    const { store } = await scene();
    const report = await doctor(store);
    expect(report.findings).toEqual([]);
    expect(report.checked).toEqual({ tenants: 1, jobs: 8, schedules: 2 });
  });

  it('finds a lost lease, repairs it from the record, and then finds nothing', async () => {
    const { store, prefix, ids } = await scene();
    await redis.redis.zrem(tenantKeys(prefix, TENANT).leases, localId(TENANT, ids.active));
    const report = await doctor(store, true);
    expect(found(report)).toEqual([['leases', ids.active]]);
    expect(report.findings[0]?.message).toBe('active job is missing from the lease index');
    expect(report.findings[0]?.repaired).toMatch(/filed the job again/);
    expect((await doctor(store)).findings).toEqual([]);
    expect(await redis.redis.zscore(tenantKeys(prefix, TENANT).leases, localId(TENANT, ids.active))).toBe(
      '1772366430000',
    );
  });

  it('finds a parked job in its place, holding nothing', async () => {
    const { store, prefix, ids } = await scene();
    const keys = tenantKeys(prefix, TENANT);
    expect(await redis.redis.zscore(keys.parked, localId(TENANT, ids.gated))).not.toBeNull();
    expect(await redis.redis.hget(keys.counts, 'parked/9')).toBe('1');
    expect((await doctor(store)).findings).toEqual([]);
  });

  it('finds a count that drifted, and sets it back to what is stored', async () => {
    const { store, prefix } = await scene();
    await redis.redis.hincrby(tenantKeys(prefix, TENANT).counts, 'waiting/5', 3);
    const report = await doctor(store, true);
    expect(report.findings).toEqual([
      {
        check: 'counts',
        subject: 'acme/5',
        message: 'waiting count is 5, but 2 waiting jobs are stored',
        repaired: 'set to 2',
      },
    ]);
    expect((await doctor(store)).findings).toEqual([]);
  });

  it('finds a band missing from the ready index and a tenant missing from the registry', async () => {
    const { store, prefix, ids } = await scene();
    await redis.redis.zrem(readyKey(prefix), band(5, TENANT));
    await redis.redis.srem(tenantsKey(prefix), TENANT);
    const report = await doctor(store, true);
    expect(found(report).sort()).toEqual([
      ['band-index', 'acme/5'],
      ['tenants', 'acme'],
    ]);
    expect(report.findings.every((f) => f.repaired !== undefined)).toBe(true);
    expect((await doctor(store)).findings).toEqual([]);
    const claimed = await store.claim({ workerId: 'w3', limit: 5, leaseMs: 1000, now: T0 + 20 });
    expect(claimed.map((job) => job.id)).toEqual([ids.waiting, ids.parent]);
  });

  it('finds a schedule whose next fire is off its trigger and one missing from the fire index', async () => {
    const { store, prefix } = await scene();
    const keys = tenantKeys(prefix, TENANT);
    const row = (await redis.redis.hget(keys.schedules, 'nightly')) as string;
    await redis.redis.hset(keys.schedules, 'nightly', `${T0 + 7}${row.slice(row.indexOf('\0'))}`);
    await redis.redis.zrem(keys.schedulesDue, 'digest');
    const report = await doctor(store, true);
    expect(found(report).sort()).toEqual([
      ['schedules', 'acme/digest'],
      ['schedules', 'acme/nightly'],
    ]);
    expect(report.findings.find((f) => f.subject === 'acme/nightly')?.message).toBe(
      'nextFireAt 2026-03-01T12:00:00.007Z is not a fire time of its trigger',
    );
    expect((await doctor(store)).findings).toEqual([]);
    // 03:00 in Paris (UTC+1 in March before the shift) is 02:00 UTC the next day.
    expect((await store.getSchedule(TENANT, 'nightly'))?.nextFireAt).toBe(Date.parse('2026-03-02T02:00:00Z'));
  });

  it('finds a blocked child its parent forgot, and registers it again', async () => {
    const { store, prefix, ids } = await scene();
    const member = `${localId(TENANT, ids.parent)}\0${localId(TENANT, ids.child)}`;
    await redis.redis.zrem(tenantKeys(prefix, TENANT).children, member);
    const report = await doctor(store, true);
    expect(found(report)).toEqual([['dependencies', ids.child]]);
    expect((await doctor(store)).findings).toEqual([]);
  });

  it('finds an idempotency key of a job that is gone, and gate units that drifted', async () => {
    const { store, prefix } = await scene();
    await redis.redis.hset(tenantKeys(prefix, TENANT).idempotency, 'ghost', 'nope');
    await redis.redis.hincrby(gateKeys(prefix).held, 'r:gpu', 1);
    const report = await doctor(store, true);
    expect(found(report).sort()).toEqual([
      ['gates', 'gate r:gpu'],
      ['idempotency', 'acme idempotency key ghost'],
    ]);
    expect(report.findings.find((f) => f.check === 'gates')?.message).toBe('2 units held, but its holders hold 1');
    expect((await doctor(store)).findings).toEqual([]);
  });

  it('finds past attempts kept for a job that is gone, and deletes them; those of kept jobs stay', async () => {
    const { store, prefix, ids } = await scene();
    const keys = tenantKeys(prefix, TENANT);
    await store.retry(ids.failed, T0 + 5);
    expect(await store.pastAttempts(ids.failed)).toHaveLength(1);
    expect((await doctor(store)).findings).toEqual([]);
    await redis.redis.hset(keys.pastAttempts, 'ghost', '[]');
    const report = await doctor(store, true);
    expect(found(report)).toEqual([['orphans', `${TENANT}:ghost`]]);
    expect(report.findings[0]?.repaired).toBe('deleted the past attempts');
    expect(await redis.redis.hexists(keys.pastAttempts, 'ghost')).toBe(0);
    expect((await doctor(store)).findings).toEqual([]);
    expect(await store.pastAttempts(ids.failed)).toHaveLength(1);
  });

  it('reports what it cannot repair safely, and still reports it after --repair', async () => {
    const { store, prefix, ids } = await scene();
    const keys = tenantKeys(prefix, TENANT);
    const where = (await redis.redis.hget(keys.where, localId(TENANT, ids.waiting))) as string;
    await redis.redis.xdel(`${keys.streams[5]}`, where.slice(2));
    await redis.redis.set(`${prefix}:stray`, 'x');
    const first = await doctor(store, true);
    expect(found(first)).toContainEqual(['placement', ids.waiting]);
    expect(found(first)).toContainEqual(['orphans', `${prefix}:stray`]);
    const placement = first.findings.find((f) => f.check === 'placement');
    expect(placement?.message).toMatch(/^waiting index points at entry .* of band 5, which is gone$/);
    expect(placement?.repaired).toBeUndefined();
    const again = await doctor(store, true);
    expect(found(again)).toContainEqual(['placement', ids.waiting]);
    expect(found(again)).toContainEqual(['orphans', `${prefix}:stray`]);
  });
});
