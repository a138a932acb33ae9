import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/fake-clock.js';
import type { ClaimedJob } from '../model/job.js';
import type { ActivityMinute, ActivityQuery, PastAttempt, Store } from '../store/store.js';
import { ACTIVITY_MINUTES, PAST_ATTEMPTS_KEPT } from '../store/store.js';
import { definedOnly } from '../util/defined-only.js';
import {
  claimJobs,
  enqueueOne,
  expectRefusal,
  type Fixture,
  failed,
  getJob,
  LEASE_MS,
  lead,
  MINUTE,
  newJob,
  putSchedule,
  releaseAll,
  SECOND,
  succeeded,
  T0,
} from './fixtures.js';
import { fireOf, stored } from './schedule-fixtures.js';

/*
 * What the dashboard reads (docs/operations.md): `activity`, `pastAttempts` and a
 * schedule's `lastJobId`. Optional in core's Store: the harness says whether its store
 * keeps them (`keepsDashboardReads`, true unless set false), and the declaration test
 * checks that against the store, so that a store cannot drop them unnoticed.
 */

export function dashboardReadsDeclarationTest(t: Fixture): void {
  it('has activity and pastAttempts exactly when its harness says so (keepsDashboardReads)', () => {
    const keeps = t.harness.keepsDashboardReads !== false;
    expect(t.store.activity !== undefined).toBe(keeps);
    expect(t.store.pastAttempts !== undefined).toBe(keeps);
  });
}

function activityOf(store: Store, query: ActivityQuery): Promise<ActivityMinute[]> {
  if (store.activity === undefined) throw new Error('this store has no activity');
  return store.activity(query);
}

function pastAttemptsOf(store: Store, id: string): Promise<PastAttempt[]> {
  if (store.pastAttempts === undefined) throw new Error('this store has no pastAttempts');
  return store.pastAttempts(id);
}

/** The one job claimed now (the test keeps a single job waiting at a time). */
async function claimOnly(store: Store, now: number, workerId = 'w1'): Promise<ClaimedJob> {
  const [job, extra] = await claimJobs(store, 10, now, workerId);
  expect(extra).toBeUndefined();
  if (job === undefined) throw new Error('nothing to claim');
  return job;
}

/** Minutes with something in them, as `[minutes after T0, succeeded, failed, retried]`. */
function busyMinutes(minutes: readonly ActivityMinute[]): [number, number, number, number][] {
  return minutes
    .filter((m) => m.succeeded + m.failed + m.retried > 0)
    .map((m) => [(m.at - T0) / MINUTE, m.succeeded, m.failed, m.retried]);
}

const BROKE = { code: 'handler_error', message: 'it broke' };

export function dashboardReadsTests(t: Fixture): void {
  describe('what the dashboard reads: activity', () => {
    it('counts each job that ended in the minute of the call that ended it, and retried attempts', async () => {
      const store = t.store;
      const clock = new FakeClock(T0);
      const fence = await lead(store, 'c1', clock.now(), 1000 * MINUTE);

      // Minute 0: one job succeeds, one fails for good, one is canceled (not counted).
      await enqueueOne(store, {}, clock.now());
      await clock.advance(5 * SECOND);
      await store.settle([succeeded(await claimOnly(store, clock.now()))], clock.now());
      const failing = await enqueueOne(store, {}, clock.now());
      await store.settle([failed(await claimOnly(store, clock.now()))], clock.now() + SECOND);
      await store.cancel(await enqueueOne(store, {}, clock.now()), clock.now());

      // Minute 1: a job fails with a retry due at once (retried); minute 2: it succeeds.
      await clock.advanceTo(T0 + MINUTE + 10 * SECOND);
      const backoff = await enqueueOne(store, { tenant: 'beta', maxAttempts: 2 }, clock.now());
      await store.settle([failed(await claimOnly(store, clock.now()), clock.now())], clock.now());
      await clock.advanceTo(T0 + 2 * MINUTE);
      const again = await claimOnly(store, clock.now());
      expect(again.id).toBe(backoff);
      await store.settle([succeeded(again)], clock.now());

      // A released attempt is no retry and ends nothing.
      await enqueueOne(store, { maxAttempts: 2 }, clock.now());
      const lost = await claimOnly(store, clock.now());
      await store.settle([{ jobId: lost.id, token: lost.lease.token, outcome: 'released' }], clock.now());

      // Its lease expires: taken back in minute 3 (retried), then failed for good in minute 4.
      await claimOnly(store, clock.now());
      await clock.advanceTo(T0 + 3 * MINUTE);
      expect(await store.recoverExpiredLeases(fence, clock.now(), 10)).toEqual({ requeued: [lost.id], failed: [] });
      await claimOnly(store, clock.now());
      await clock.advanceTo(T0 + 4 * MINUTE);
      expect(await store.recoverExpiredLeases(fence, clock.now(), 10)).toEqual({ requeued: [], failed: [lost.id] });

      // Minute 5: the job that failed in minute 0 is retried by hand (not counted) and succeeds.
      await clock.advanceTo(T0 + 5 * MINUTE + 30 * SECOND);
      await store.retry(failing, clock.now());
      await store.settle([succeeded(await claimOnly(store, clock.now()))], clock.now());

      // Minute 6: a parent fails; minute 7: its blocked child fails with it, and a child
      // enqueued after it ended is created failed.
      await clock.advanceTo(T0 + 6 * MINUTE);
      const parent = await enqueueOne(store, {}, clock.now());
      const child = await enqueueOne(store, { dependsOn: [parent] }, clock.now());
      await store.settle([failed(await claimOnly(store, clock.now()))], clock.now());
      await clock.advanceTo(T0 + 7 * MINUTE + 59 * SECOND);
      expect(await releaseAll(store, fence, clock.now())).toBe(1);
      expect((await getJob(store, child)).error?.code).toBe('dependency_failed');
      const [late] = await store.enqueue([newJob({ dependsOn: [parent] }, clock.now())], clock.now());
      expect(late?.status).toBe('failed');

      const minutes = await activityOf(store, { now: clock.now(), minutes: 10 });
      expect(minutes).toHaveLength(10);
      expect(minutes[0]?.at).toBe(T0 - 2 * MINUTE);
      expect(minutes[9]?.at).toBe(T0 + 7 * MINUTE);
      for (let i = 1; i < minutes.length; i++) expect(minutes[i]?.at).toBe((minutes[i - 1]?.at ?? 0) + MINUTE);
      expect(busyMinutes(minutes)).toEqual([
        [0, 1, 1, 0],
        [1, 0, 0, 1],
        [2, 1, 0, 0],
        [3, 0, 0, 1],
        [4, 0, 1, 0],
        [5, 1, 0, 0],
        [6, 0, 1, 0],
        [7, 0, 2, 0],
      ]);
      // Fewer minutes: the newest ones, ending with the minute holding `now`.
      expect(busyMinutes(await activityOf(store, { now: clock.now(), minutes: 3 }))).toEqual([
        [5, 1, 0, 0],
        [6, 0, 1, 0],
        [7, 0, 2, 0],
      ]);
    });

    it('keeps the last hour: older minutes drop out, and a minute an hour on starts from zero', async () => {
      const store = t.store;
      const clock = new FakeClock(T0 + 10 * SECOND);
      const finish = async (): Promise<void> => {
        await enqueueOne(store, {}, clock.now());
        await store.settle([succeeded(await claimOnly(store, clock.now()))], clock.now());
      };
      await finish();
      await finish();
      await clock.advanceTo(T0 + 30 * MINUTE);
      await finish();

      await clock.advanceTo(T0 + 59 * MINUTE + 59 * SECOND);
      const hour = await activityOf(store, { now: clock.now(), minutes: ACTIVITY_MINUTES });
      expect(hour).toHaveLength(ACTIVITY_MINUTES);
      expect(busyMinutes(hour)).toEqual([
        [0, 2, 0, 0],
        [30, 1, 0, 0],
      ]);

      // An hour on, minute 0 is out of the window; minute 60 (minute 0's place in an hour's
      // ring) counts only what happened in it.
      await clock.advanceTo(T0 + 60 * MINUTE + 5 * SECOND);
      expect(busyMinutes(await activityOf(store, { now: clock.now(), minutes: ACTIVITY_MINUTES }))).toEqual([
        [30, 1, 0, 0],
      ]);
      await finish();
      expect(busyMinutes(await activityOf(store, { now: clock.now(), minutes: ACTIVITY_MINUTES }))).toEqual([
        [30, 1, 0, 0],
        [60, 1, 0, 0],
      ]);
      // Asked about the past, minute 0 is gone for good (its place was taken).
      expect(busyMinutes(await activityOf(store, { now: T0 + 59 * MINUTE, minutes: ACTIVITY_MINUTES }))).toEqual([
        [30, 1, 0, 0],
      ]);

      // Three hours later, after nothing: an hour of zeros.
      await clock.advanceTo(T0 + 4 * 60 * MINUTE);
      const quiet = await activityOf(store, { now: clock.now(), minutes: ACTIVITY_MINUTES });
      expect(quiet).toHaveLength(ACTIVITY_MINUTES);
      expect(busyMinutes(quiet)).toEqual([]);
      await finish();
      expect(busyMinutes(await activityOf(store, { now: clock.now(), minutes: 1 }))).toEqual([[240, 1, 0, 0]]);
    });

    it('sums the tenants asked for, or every tenant', async () => {
      const store = t.store;
      const now = T0 + 30 * SECOND;
      for (const tenant of ['acme', 'beta', 'beta', 'gamma']) {
        await enqueueOne(store, { tenant }, now);
        await store.settle([succeeded(await claimOnly(store, now))], now);
      }
      const succeededIn = async (tenants?: string[]) =>
        (await activityOf(store, { now, minutes: 1, ...definedOnly({ tenants }) }))[0]?.succeeded;
      expect(await succeededIn()).toBe(4);
      expect(await succeededIn(['beta'])).toBe(2);
      expect(await succeededIn(['acme', 'gamma'])).toBe(2);
      expect(await succeededIn(['nobody'])).toBe(0);
      expect(await succeededIn([])).toBe(0);
    });

    it('refuses a number of minutes outside 1 to ACTIVITY_MINUTES', async () => {
      for (const minutes of [0, ACTIVITY_MINUTES + 1, 1.5]) {
        const error = await expectRefusal(activityOf(t.store, { now: T0, minutes }), 'invalid_argument');
        expect(error.message).toContain('minutes');
      }
    });
  });

  describe('what the dashboard reads: pastAttempts', () => {
    it('keeps each attempt that ended before the latest began, oldest first', async () => {
      const store = t.store;
      const clock = new FakeClock(T0);
      const fence = await lead(store, 'c1', clock.now(), 1000 * MINUTE);
      const id = await enqueueOne(store, { maxAttempts: 3 }, clock.now());
      expect(await pastAttemptsOf(store, id)).toEqual([]);

      // Attempt 1 fails with a retry (backoff).
      await clock.advance(SECOND);
      const first = await claimOnly(store, clock.now(), 'w1');
      expect(first.id).toBe(id);
      await clock.advance(2 * SECOND);
      await store.settle([failed(first, clock.now() + SECOND)], clock.now());
      const one: PastAttempt = {
        attempt: 1,
        startedAt: T0 + SECOND,
        endedAt: T0 + 3 * SECOND,
        workerId: 'w1',
        error: BROKE,
      };
      expect(await pastAttemptsOf(store, id)).toEqual([one]);

      // Attempt 2 loses its lease and is taken back.
      await clock.advance(SECOND);
      await store.promoteDelayed(fence, clock.now(), 10);
      const second = await claimOnly(store, clock.now(), 'w2');
      expect(second.id).toBe(id);
      await clock.advance(LEASE_MS);
      expect((await store.recoverExpiredLeases(fence, clock.now(), 10)).requeued).toEqual([id]);
      const two: PastAttempt = {
        attempt: 2,
        startedAt: T0 + 4 * SECOND,
        endedAt: T0 + 4 * SECOND + LEASE_MS,
        workerId: 'w2',
        error: { code: 'lease_expired', message: 'the lease of worker w2 expired during attempt 2 of 3' },
      };
      expect(await pastAttemptsOf(store, id)).toEqual([one, two]);

      // Attempt 3 fails for good: it is the job's own latest attempt, not a past one.
      const third = await claimOnly(store, clock.now(), 'w1');
      const thirdStarted = clock.now();
      await clock.advance(SECOND);
      await store.settle([failed(third)], clock.now());
      const thirdEnded = clock.now();
      expect(await pastAttemptsOf(store, id)).toEqual([one, two]);
      expect(await getJob(store, id)).toMatchObject({ status: 'failed', attempt: 3, startedAt: thirdStarted });

      // Retried by hand: attempt 3 becomes a past attempt (its worker no longer known).
      await clock.advance(MINUTE);
      await store.retry(id, clock.now());
      const three: PastAttempt = {
        attempt: 3,
        startedAt: thirdStarted,
        endedAt: thirdEnded,
        workerId: undefined,
        error: BROKE,
      };
      expect(await pastAttemptsOf(store, id)).toEqual([one, two, three]);
      await store.settle([succeeded(await claimOnly(store, clock.now()))], clock.now());
      expect(await pastAttemptsOf(store, id)).toEqual([one, two, three]);

      // A job that succeeded after a released attempt, and an unknown id, keep none.
      const done = await enqueueOne(store, {}, clock.now());
      const doneJob = await claimOnly(store, clock.now());
      expect(doneJob.id).toBe(done);
      await store.settle([{ jobId: done, token: doneJob.lease.token, outcome: 'released' }], clock.now());
      await store.settle([succeeded(await claimOnly(store, clock.now()))], clock.now());
      expect(await pastAttemptsOf(store, done)).toEqual([]);
      expect(await pastAttemptsOf(store, 'acme:nosuchjob')).toEqual([]);
    });

    it('keeps none for a job failed by its parent, even when retried by hand', async () => {
      const store = t.store;
      const fence = await lead(store);
      const parent = await enqueueOne(store);
      const child = await enqueueOne(store, { dependsOn: [parent] });
      await store.settle([failed(await claimOnly(store, T0))], T0 + SECOND);
      await releaseAll(store, fence, T0 + 2 * SECOND);
      expect((await getJob(store, child)).status).toBe('failed');
      expect(await pastAttemptsOf(store, child)).toEqual([]);
      await store.retry(parent, T0 + 3 * SECOND);
      await store.settle([succeeded(await claimOnly(store, T0 + 3 * SECOND))], T0 + 4 * SECOND);
      await store.retry(child, T0 + 5 * SECOND);
      expect(await pastAttemptsOf(store, child)).toEqual([]);
      expect((await pastAttemptsOf(store, parent)).map((a) => a.attempt)).toEqual([1]);
    });

    it(`keeps the newest ${PAST_ATTEMPTS_KEPT}, and forgets them when retention deletes the job`, async () => {
      const store = t.store;
      const fence = await lead(store);
      const runs = PAST_ATTEMPTS_KEPT + 3;
      const id = await enqueueOne(store, { maxAttempts: runs + 1 });
      let now = T0;
      for (let i = 0; i < runs; i++) {
        now += SECOND;
        await store.settle([failed(await claimOnly(store, now), now)], now);
      }
      const kept = await pastAttemptsOf(store, id);
      expect(kept).toHaveLength(PAST_ATTEMPTS_KEPT);
      expect(kept.map((a) => a.attempt)).toEqual(Array.from({ length: PAST_ATTEMPTS_KEPT }, (_, i) => i + 4));
      expect(kept.at(-1)).toEqual({ attempt: runs, startedAt: now, endedAt: now, workerId: 'w1', error: BROKE });

      now += SECOND;
      await store.settle([succeeded(await claimOnly(store, now))], now);
      expect(await pastAttemptsOf(store, id)).toHaveLength(PAST_ATTEMPTS_KEPT);
      expect(await store.applyRetention(fence, { maxAgeMs: 0, maxCount: 0 }, now + MINUTE)).toBe(1);
      expect(await store.getJob(id)).toBeUndefined();
      expect(await pastAttemptsOf(store, id)).toEqual([]);
    });
  });

  describe('what the dashboard reads: a schedule’s lastJobId', () => {
    it('is the latest job a fire created, by recordFires or triggerSchedule', async () => {
      const store = t.store;
      const fence = await lead(store);
      const schedule = await putSchedule(store);
      expect((await stored(store, schedule)).lastJobId).toBeUndefined();

      const times = [T0 + MINUTE, T0 + 2 * MINUTE];
      const [fired] = await store.recordFires(fence, [fireOf(schedule, times, T0 + 3 * MINUTE)], T0 + 2 * MINUTE);
      const latest = fired?.jobIds[1];
      expect(latest).toBeDefined();
      expect((await getJob(store, latest ?? '')).scheduledFor).toBe(T0 + 2 * MINUTE);
      expect((await stored(store, schedule)).lastJobId).toBe(latest);
      expect((await store.listSchedules({ limit: 10 })).schedules[0]?.lastJobId).toBe(latest);
      expect((await store.dueSchedules(T0 + 3 * MINUTE, 10))[0]?.lastJobId).toBe(latest);

      // A fire that creates nothing (misfire skip) leaves it.
      const moved = await stored(store, schedule);
      await store.recordFires(fence, [fireOf(moved, [], T0 + 4 * MINUTE)], T0 + 3 * MINUTE);
      expect((await stored(store, schedule)).lastJobId).toBe(latest);

      const triggered = await store.triggerSchedule('acme', 'digest', T0 + 3 * MINUTE + SECOND);
      expect((await stored(store, schedule)).lastJobId).toBe(triggered.id);

      // Replacing the definition, pausing and resuming keep it.
      await putSchedule(store, { job: { ...schedule.job, name: 'report.weekly' } }, T0 + 4 * MINUTE);
      await store.setSchedulePaused('acme', 'digest', true, T0 + 4 * MINUTE);
      await store.setSchedulePaused('acme', 'digest', false, T0 + 4 * MINUTE);
      expect((await stored(store, schedule)).lastJobId).toBe(triggered.id);
    });
  });
}
