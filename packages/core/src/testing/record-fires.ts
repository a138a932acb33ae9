import { describe, expect, it } from 'vitest';
import type { Schedule } from '../model/schedule.js';
import type { Fence } from '../store/store.js';
import { allJobs, expectRefusal, type Fixture, getJob, lead, MINUTE, newJob, putSchedule, T0 } from './fixtures.js';
import { fireOf, stored } from './schedule-fixtures.js';

export function recordFiresTests(t: Fixture): void {
  describe('recordFires', () => {
    async function fire(fence: Fence, schedule: Schedule, at: number[], next: number | undefined, now: number) {
      return t.store.recordFires(fence, [fireOf(schedule, at, next)], now);
    }

    it('creates the fire’s jobs and moves the schedule on', async () => {
      const fence = await lead(t.store);
      const schedule = await putSchedule(t.store);
      const at = T0 + MINUTE;
      const [result] = await fire(fence, schedule, [at], at + MINUTE, at);
      expect(result?.applied).toBe(true);
      expect(result?.jobIds).toHaveLength(1);
      const job = await getJob(t.store, result?.jobIds[0] ?? '');
      expect(job).toMatchObject({ scheduleId: 'digest', scheduledFor: at, status: 'waiting', createdAt: at });
      expect(await stored(t.store, schedule)).toMatchObject({ runCount: 1, lastFireAt: at, nextFireAt: at + MINUTE });
      expect(await t.store.dueSchedules(at, 10)).toEqual([]);
    });

    it('applies a fire once: the same expected nextFireAt again creates nothing', async () => {
      const fence = await lead(t.store);
      const schedule = await putSchedule(t.store);
      const at = T0 + MINUTE;
      await fire(fence, schedule, [at], at + MINUTE, at);
      const [replay] = await fire(fence, schedule, [at], at + MINUTE, at + 1);
      expect(replay).toEqual({ applied: false, jobIds: [] });
      expect(await allJobs(t.store)).toHaveLength(1);
      expect((await stored(t.store, schedule)).runCount).toBe(1);
    });

    it('catches up several instants in one fire', async () => {
      const fence = await lead(t.store);
      const schedule = await putSchedule(t.store);
      const times = [T0 + MINUTE, T0 + 2 * MINUTE, T0 + 3 * MINUTE];
      const [result] = await fire(fence, schedule, times, T0 + 4 * MINUTE, T0 + 3 * MINUTE);
      expect(result?.jobIds).toHaveLength(3);
      const jobs = await t.store.getJobs(result?.jobIds ?? []);
      expect(jobs.map((j) => j?.scheduledFor)).toEqual(times);
      expect(await stored(t.store, schedule)).toMatchObject({ runCount: 3, lastFireAt: T0 + 3 * MINUTE });
    });

    it('never makes a second job for one (scheduleId, scheduledFor)', async () => {
      const fence = await lead(t.store);
      const schedule = await putSchedule(t.store);
      const at = T0 + MINUTE;
      const triggered = await t.store.triggerSchedule('acme', 'digest', at);
      const [result] = await fire(fence, schedule, [at], at + MINUTE, at);
      expect(result).toEqual({ applied: true, jobIds: [] });
      expect((await allJobs(t.store)).map((j) => j.id)).toEqual([triggered.id]);
      expect(await stored(t.store, schedule)).toMatchObject({ runCount: 1, nextFireAt: at + MINUTE });
    });

    it('a fire with no jobs (misfire skip) only moves nextFireAt', async () => {
      const fence = await lead(t.store);
      const schedule = await putSchedule(t.store);
      const [result] = await fire(fence, schedule, [], T0 + 10 * MINUTE, T0 + 9 * MINUTE);
      expect(result).toEqual({ applied: true, jobIds: [] });
      expect(await stored(t.store, schedule)).toMatchObject({
        runCount: 0,
        lastFireAt: undefined,
        nextFireAt: T0 + 10 * MINUTE,
      });
    });

    it('does not apply to a schedule that is gone or paused', async () => {
      const fence = await lead(t.store);
      const gone = await putSchedule(t.store, { id: 'gone' });
      await t.store.deleteSchedule('acme', 'gone');
      const resting = await putSchedule(t.store, { id: 'resting' });
      await t.store.setSchedulePaused('acme', 'resting', true, T0);
      const results = await t.store.recordFires(
        fence,
        [fireOf(gone, [T0 + MINUTE], T0 + 2 * MINUTE), fireOf(resting, [T0 + MINUTE], T0 + 2 * MINUTE)],
        T0 + MINUTE,
      );
      expect(results).toEqual([
        { applied: false, jobIds: [] },
        { applied: false, jobIds: [] },
      ]);
      expect(await allJobs(t.store)).toEqual([]);
    });

    it('refuses a call with a job that is not the fire’s, writing nothing', async () => {
      const fence = await lead(t.store);
      const a = await putSchedule(t.store, { id: 'a' });
      const b = await putSchedule(t.store, { id: 'b' });
      const bad = fireOf(b, [], T0 + 2 * MINUTE);
      bad.jobs.push(newJob({ scheduleId: 'b' })); // no scheduledFor
      await expectRefusal(
        t.store.recordFires(fence, [fireOf(a, [T0 + MINUTE], T0 + 2 * MINUTE), bad], T0 + MINUTE),
        'invalid_argument',
      );
      expect(await allJobs(t.store)).toEqual([]);
      expect(await stored(t.store, a)).toEqual(a);
    });
  });
}
