import { describe, expect, it } from 'vitest';
import { definedOnly } from '../util/defined-only.js';
import {
  allJobs,
  expectRefusal,
  type Fixture,
  getJob,
  lead,
  MINUTE,
  putSchedule,
  SECOND,
  scheduleDefinition,
  T0,
} from './fixtures.js';
import { fireOf, scheduleJob, stored } from './schedule-fixtures.js';

export function scheduleTests(t: Fixture): void {
  describe('schedules', () => {
    it('creates a schedule with its first fire computed', async () => {
      const { schedule, created } = await t.store.upsertSchedule(scheduleDefinition(), T0 + SECOND);
      expect(created).toBe(true);
      expect(schedule).toMatchObject({
        id: 'digest',
        tenant: 'acme',
        runCount: 0,
        lastFireAt: undefined,
        nextFireAt: T0 + MINUTE,
        createdAt: T0 + SECOND,
        updatedAt: T0 + SECOND,
        paused: false,
      });
      expect(await stored(t.store, schedule)).toEqual(schedule);
    });

    it('keeps nextFireAt and history when the trigger is unchanged, recomputes when it changes', async () => {
      const fence = await lead(t.store);
      const first = await putSchedule(t.store);
      await t.store.recordFires(fence, [fireOf(first, [T0 + MINUTE], T0 + 2 * MINUTE)], T0 + MINUTE);
      const late = T0 + 2 * MINUTE + 30 * SECOND; // the fire at 2 min is overdue
      const again = await t.store.upsertSchedule({ ...first, job: { ...first.job, priority: 8 } }, late);
      expect(again.created).toBe(false);
      expect(again.schedule).toMatchObject({
        nextFireAt: T0 + 2 * MINUTE,
        runCount: 1,
        lastFireAt: T0 + MINUTE,
        createdAt: T0,
        updatedAt: late,
        job: { priority: 8 },
      });
      const changed = await t.store.upsertSchedule(
        { ...first, trigger: { kind: 'every', every: 5 * MINUTE, startAt: undefined } },
        late,
      );
      expect(changed.schedule).toMatchObject({ nextFireAt: T0 + 5 * MINUTE, runCount: 1, createdAt: T0 });
    });

    it('keeps schedules of different tenants apart', async () => {
      await putSchedule(t.store, { tenant: 'acme', job: { ...scheduleJob(), name: 'a' } });
      await putSchedule(t.store, { tenant: 'beta', job: { ...scheduleJob(), name: 'b' } });
      expect((await stored(t.store, { tenant: 'acme', id: 'digest' })).job.name).toBe('a');
      expect((await stored(t.store, { tenant: 'beta', id: 'digest' })).job.name).toBe('b');
      expect(await t.store.deleteSchedule('acme', 'digest')).toBe(true);
      expect(await t.store.deleteSchedule('acme', 'digest')).toBe(false);
      expect(await t.store.getSchedule('acme', 'digest')).toBeUndefined();
      expect(await t.store.getSchedule('beta', 'digest')).toBeDefined();
    });

    it('lists a tenant’s schedules by id, page by page', async () => {
      for (const id of ['s3', 's1', 's5', 's2', 's4']) await putSchedule(t.store, { id });
      await putSchedule(t.store, { id: 's0', tenant: 'beta' });
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 5; pages++) {
        const page = await t.store.listSchedules({
          tenant: 'acme',
          limit: 2,
          ...definedOnly({ cursor }),
        });
        seen.push(...page.schedules.map((s) => s.id));
        cursor = page.nextCursor;
        if (cursor === undefined) break;
      }
      expect(seen).toEqual(['s1', 's2', 's3', 's4', 's5']);
      expect((await t.store.listSchedules({ limit: 100 })).schedules).toHaveLength(6);
    });

    it('a deleted schedule is no longer due', async () => {
      await putSchedule(t.store);
      await t.store.deleteSchedule('acme', 'digest');
      expect(await t.store.dueSchedules(T0 + 10 * MINUTE, 10)).toEqual([]);
      expect(await t.store.nextDueAt()).toBeUndefined();
    });

    it('pausing stops fires; resuming fires next after now, owing nothing missed', async () => {
      await putSchedule(t.store);
      const paused = await t.store.setSchedulePaused('acme', 'digest', true, T0 + SECOND);
      expect(paused.paused).toBe(true);
      expect(await t.store.dueSchedules(T0 + 10 * MINUTE, 10)).toEqual([]);
      expect(await t.store.nextDueAt()).toBeUndefined();
      const resumedAt = T0 + 10 * MINUTE + 30 * SECOND;
      const resumed = await t.store.setSchedulePaused('acme', 'digest', false, resumedAt);
      expect(resumed).toMatchObject({ paused: false, nextFireAt: T0 + 11 * MINUTE });
      expect(await t.store.dueSchedules(resumedAt, 10)).toEqual([]);
      expect((await t.store.dueSchedules(T0 + 11 * MINUTE, 10)).map((s) => s.id)).toEqual(['digest']);
    });

    it('refuses to pause, resume or trigger a schedule that does not exist', async () => {
      await expectRefusal(t.store.setSchedulePaused('acme', 'nope', true, T0), 'not_found');
      await expectRefusal(t.store.setSchedulePaused('acme', 'nope', false, T0), 'not_found');
      await expectRefusal(t.store.triggerSchedule('acme', 'nope', T0), 'not_found');
      await putSchedule(t.store, { tenant: 'beta' });
      await expectRefusal(t.store.triggerSchedule('acme', 'digest', T0), 'not_found');
    });

    it('a schedule upserted paused is not due', async () => {
      await putSchedule(t.store, { paused: true });
      expect(await t.store.dueSchedules(T0 + 10 * MINUTE, 10)).toEqual([]);
    });

    it('triggerSchedule fires now: one job with scheduledFor = now, nextFireAt unchanged', async () => {
      await putSchedule(t.store);
      const now = T0 + 5 * SECOND;
      const job = await t.store.triggerSchedule('acme', 'digest', now);
      expect(job).toMatchObject({
        tenant: 'acme',
        name: 'report.digest',
        payload: { period: 'minute' },
        tags: ['reports'],
        scheduleId: 'digest',
        scheduledFor: now,
        status: 'waiting',
      });
      expect(await getJob(t.store, job.id)).toMatchObject({ scheduleId: 'digest', scheduledFor: now });
      expect(await stored(t.store, { tenant: 'acme', id: 'digest' })).toMatchObject({
        runCount: 1,
        lastFireAt: now,
        nextFireAt: T0 + MINUTE,
      });
    });

    it('triggers manual and paused schedules too, once per instant', async () => {
      await putSchedule(t.store, { id: 'by-hand', trigger: { kind: 'manual' } });
      await putSchedule(t.store, { id: 'resting', paused: true });
      expect((await stored(t.store, { tenant: 'acme', id: 'by-hand' })).nextFireAt).toBeUndefined();
      const a = await t.store.triggerSchedule('acme', 'by-hand', T0);
      const b = await t.store.triggerSchedule('acme', 'resting', T0);
      expect(a.scheduleId).toBe('by-hand');
      expect(b.scheduleId).toBe('resting');
      const again = await t.store.triggerSchedule('acme', 'by-hand', T0);
      expect(again.id).toBe(a.id);
      expect(await allJobs(t.store)).toHaveLength(2);
      expect((await stored(t.store, { tenant: 'acme', id: 'by-hand' })).runCount).toBe(1);
    });

    it('dueSchedules: unpaused ones due by now, earliest first, at most limit', async () => {
      await putSchedule(t.store, { id: 'third', trigger: { kind: 'at', at: T0 + 3 * MINUTE } });
      await putSchedule(t.store, { id: 'first', trigger: { kind: 'at', at: T0 + MINUTE } });
      await putSchedule(t.store, { id: 'second', trigger: { kind: 'at', at: T0 + 2 * MINUTE } });
      await putSchedule(t.store, { id: 'held', paused: true, trigger: { kind: 'at', at: T0 + 30 * SECOND } });
      const ids = async (now: number, limit: number) => (await t.store.dueSchedules(now, limit)).map((s) => s.id);
      expect(await ids(T0 + 30 * SECOND, 10)).toEqual([]);
      expect(await ids(T0 + 2 * MINUTE, 10)).toEqual(['first', 'second']);
      expect(await ids(T0 + 5 * MINUTE, 2)).toEqual(['first', 'second']);
      expect(await ids(T0 + 5 * MINUTE, 10)).toEqual(['first', 'second', 'third']);
    });
  });

  describe('the limit of schedules per tenant', () => {
    const idsOf = async (tenant: string) =>
      (await t.store.listSchedules({ tenant, limit: 100 })).schedules.map((s) => s.id);

    it('refuses one schedule more with resource_exhausted naming the limit, and writes nothing', async () => {
      const limit = { maxSchedulesPerTenant: 2 };
      await t.store.upsertSchedule(scheduleDefinition({ id: 'a' }), T0, limit);
      await t.store.upsertSchedule(scheduleDefinition({ id: 'b' }), T0, limit);
      const refusal = await expectRefusal(
        t.store.upsertSchedule(scheduleDefinition({ id: 'c', trigger: { kind: 'at', at: T0 + SECOND } }), T0, limit),
        'resource_exhausted',
      );
      expect(refusal.message).toContain('maxSchedulesPerTenant 2');
      expect(refusal.message).toContain('"acme"');
      expect(await t.store.getSchedule('acme', 'c')).toBeUndefined();
      expect(await idsOf('acme')).toEqual(['a', 'b']);
      // Nothing was filed to fire either: the refused schedule would be due first.
      expect(await t.store.nextDueAt()).toBe(T0 + MINUTE);
      expect((await t.store.dueSchedules(T0 + MINUTE, 10)).map((s) => s.id).sort()).toEqual(['a', 'b']);
    });

    it('always lets a schedule be replaced, and counts each tenant on its own', async () => {
      const limit = { maxSchedulesPerTenant: 1 };
      await t.store.upsertSchedule(scheduleDefinition({ id: 'a' }), T0, limit);
      const replaced = await t.store.upsertSchedule(
        scheduleDefinition({ id: 'a', job: { ...scheduleJob(), priority: 9 } }),
        T0 + SECOND,
        limit,
      );
      expect(replaced).toMatchObject({ created: false, schedule: { job: { priority: 9 } } });
      const paused = await t.store.upsertSchedule(scheduleDefinition({ id: 'a', paused: true }), T0 + SECOND, limit);
      expect(paused.schedule.paused).toBe(true);
      const other = await t.store.upsertSchedule(scheduleDefinition({ id: 'a', tenant: 'beta' }), T0, limit);
      expect(other.created).toBe(true);
      await expectRefusal(
        t.store.upsertSchedule(scheduleDefinition({ id: 'b', tenant: 'beta' }), T0, limit),
        'resource_exhausted',
      );
      // Without a limit the store refuses nothing: the limit is the caller's to give.
      expect((await t.store.upsertSchedule(scheduleDefinition({ id: 'b' }), T0)).created).toBe(true);
    });

    it('a deleted schedule makes room for a new one', async () => {
      const limit = { maxSchedulesPerTenant: 2 };
      await t.store.upsertSchedule(scheduleDefinition({ id: 'a' }), T0, limit);
      await t.store.upsertSchedule(scheduleDefinition({ id: 'b' }), T0, limit);
      await expectRefusal(t.store.upsertSchedule(scheduleDefinition({ id: 'c' }), T0, limit), 'resource_exhausted');
      expect(await t.store.deleteSchedule('acme', 'a')).toBe(true);
      expect((await t.store.upsertSchedule(scheduleDefinition({ id: 'c' }), T0, limit)).created).toBe(true);
      expect(await idsOf('acme')).toEqual(['b', 'c']);
    });

    it('concurrent creates take exactly the room that is left', async () => {
      const limit = { maxSchedulesPerTenant: 3 };
      await t.store.upsertSchedule(scheduleDefinition({ id: 'first' }), T0, limit);
      const ids = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
      const outcomes = await Promise.allSettled(
        ids.map((id) => t.store.upsertSchedule(scheduleDefinition({ id }), T0, limit)),
      );
      const created = ids.filter((_id, i) => outcomes[i]?.status === 'fulfilled');
      expect(created).toHaveLength(2);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ code: 'resource_exhausted' });
      }
      expect((await idsOf('acme')).sort()).toEqual(['first', ...created].sort());
    });

    it('refuses a limit that is not a whole number from 1, writing nothing', async () => {
      for (const maxSchedulesPerTenant of [0, -1, 1.5, Number.NaN]) {
        const refusal = await expectRefusal(
          t.store.upsertSchedule(scheduleDefinition(), T0, { maxSchedulesPerTenant }),
          'invalid_argument',
        );
        expect(refusal.message).toContain('maxSchedulesPerTenant');
      }
      expect(await idsOf('acme')).toEqual([]);
    });
  });
}
