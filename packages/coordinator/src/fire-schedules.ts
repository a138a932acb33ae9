import {
  type Fence,
  type FirePlan,
  jobFromSchedule,
  type Logger,
  type NewJob,
  planFires,
  type Schedule,
  type ScheduleFire,
  type Store,
} from '@cadenza/core';

/** One schedule's fires as written by the leader. */
export interface FiredEvent {
  tenant: string;
  scheduleId: string;
  /** The job name of the schedule's template (what its jobs run). */
  name: string;
  /** When the fires were written (epoch ms): a fire's lag is `at - scheduledFor[i]`. */
  at: number;
  /** The fire instants that created jobs, oldest first. */
  scheduledFor: number[];
  jobIds: string[];
  /** Fire times passed over by the misfire policy. */
  skipped: number;
  nextFireAt: number | undefined;
}

export interface FireBatchResult {
  /** How many due schedules the store returned (a full batch means there may be more). */
  due: number;
  fired: FiredEvent[];
  /** True when a plan left a schedule still due (an `all` catch-up longer than one plan). */
  stillDue: boolean;
}

interface Planned {
  fire: ScheduleFire;
  plan: FirePlan;
  name: string;
}

/**
 * Fires one batch of due schedules: plans each by its misfire policy, builds its jobs and
 * writes every fire in one fenced `recordFires` call. The store applies a fire only while
 * the schedule's `nextFireAt` still equals the value this plan started from, which is what
 * keeps each (scheduleId, scheduledFor) to at most one job across failovers and replays.
 */
export async function fireDueSchedules(
  store: Store,
  fence: Fence,
  now: number,
  limit: number,
  log: Logger,
): Promise<FireBatchResult> {
  const due = await store.dueSchedules(now, limit);
  const planned: Planned[] = [];
  for (const schedule of due) {
    const entry = planSchedule(schedule, now, log);
    if (entry !== undefined) planned.push(entry);
  }
  if (planned.length === 0) return { due: due.length, fired: [], stillDue: false };

  const results = await store.recordFires(
    fence,
    planned.map((p) => p.fire),
    now,
  );
  const fired: FiredEvent[] = [];
  let stillDue = false;
  planned.forEach((p, i) => {
    const result = results[i];
    if (result === undefined || !result.applied) return;
    if (p.fire.nextFireAt !== undefined && p.fire.nextFireAt <= now) stillDue = true;
    fired.push({
      tenant: p.fire.tenant,
      scheduleId: p.fire.scheduleId,
      name: p.name,
      at: now,
      scheduledFor: p.plan.fireTimes,
      jobIds: result.jobIds,
      skipped: p.plan.skipped,
      nextFireAt: p.fire.nextFireAt,
    });
  });
  return { due: due.length, fired, stillDue };
}

function planSchedule(schedule: Schedule, now: number, log: Logger): Planned | undefined {
  const expected = schedule.nextFireAt;
  if (expected === undefined) return undefined;
  let plan: FirePlan;
  let jobs: NewJob[];
  try {
    plan = planFires(schedule, now);
    jobs = plan.fireTimes.map((t) => jobFromSchedule(schedule, t, now));
  } catch (error) {
    // A schedule that cannot be planned would stay due forever and keep the loop awake;
    // it is switched off (no next fire) and the reason logged, rather than retried hot.
    log.error(
      { err: error, tenant: schedule.tenant, scheduleId: schedule.id },
      'schedule cannot be planned; it will not fire again until it is replaced',
    );
    plan = { fireTimes: [], skipped: 0, nextFireAt: undefined };
    jobs = [];
  }
  if (plan.nextFireAt !== undefined && plan.nextFireAt <= expected) {
    // Never write a next fire that does not move forward: it would fire a time twice
    // or spin. Treated like an unplannable schedule.
    log.error(
      { tenant: schedule.tenant, scheduleId: schedule.id, nextFireAt: plan.nextFireAt, expected },
      'schedule plan did not move forward; it will not fire again until it is replaced',
    );
    plan = { fireTimes: [], skipped: 0, nextFireAt: undefined };
    jobs = [];
  }
  return {
    plan,
    name: schedule.job.name,
    fire: {
      tenant: schedule.tenant,
      scheduleId: schedule.id,
      expectedNextFireAt: expected,
      jobs,
      nextFireAt: plan.nextFireAt,
    },
  };
}
