import {
  type Fence,
  type FirePlan,
  isPaced,
  jobFromSchedule,
  type Logger,
  type NewJob,
  planFires,
  type Schedule,
  type ScheduleFire,
  type Store,
} from '@cadenza/core';
import { capPlan, type FireCaps, firesThisTick } from './fire-caps.js';

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
  /** How many of them this tick had not planned yet (0: the batch brought nothing new). */
  fresh: number;
  fired: FiredEvent[];
}

/** How the leader fires: the same for every tick. */
export interface FireSettings {
  caps: FireCaps;
  /** The shortest cadence to fire an `every` at (core's planFires paces shorter ones). */
  minIntervalMs: number;
  /** Paced schedules already logged, so that each is logged once, not at every fire. */
  pacedLogged: Set<string>;
}

/**
 * What one tick remembers across its batches: the schedules it planned already. A schedule
 * is planned once per tick, so that a catch-up cut by the caps goes on in the next tick,
 * not in the next batch of this one.
 */
export type PlannedThisTick = Set<string>;

/** Paced schedules remembered as logged; past this many the memory starts over. */
const MAX_PACED_LOGGED = 10_000;

interface Planned {
  fire: ScheduleFire;
  plan: FirePlan;
  name: string;
}

/**
 * Fires one batch of due schedules: plans each by its misfire policy, cuts the plan to the
 * caps of one tick (fire-caps.ts), builds its jobs and writes every fire in one fenced
 * `recordFires` call. The store applies a fire only while the schedule's `nextFireAt` still
 * equals the value this plan started from, which is what keeps each (scheduleId,
 * scheduledFor) to at most one job across failovers, replays and cut catch-ups.
 */
export async function fireDueSchedules(
  store: Store,
  fence: Fence,
  now: number,
  limit: number,
  log: Logger,
  settings: FireSettings,
  plannedThisTick: PlannedThisTick,
): Promise<FireBatchResult> {
  const due = await store.dueSchedules(now, limit);
  const planned: Planned[] = [];
  for (const schedule of due) {
    const key = `${schedule.tenant}\u0000${schedule.id}`;
    if (plannedThisTick.has(key)) continue;
    plannedThisTick.add(key);
    const entry = planSchedule(schedule, now, log, settings);
    if (entry !== undefined) planned.push(entry);
  }
  if (planned.length === 0) return { due: due.length, fresh: 0, fired: [] };

  const results = await store.recordFires(
    fence,
    planned.map((p) => p.fire),
    now,
  );
  const fired: FiredEvent[] = [];
  planned.forEach((p, i) => {
    const result = results[i];
    if (result === undefined || !result.applied) return;
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
  return { due: due.length, fresh: planned.length, fired };
}

function planSchedule(schedule: Schedule, now: number, log: Logger, settings: FireSettings): Planned | undefined {
  const expected = schedule.nextFireAt;
  if (expected === undefined) return undefined;
  let plan: FirePlan;
  let jobs: NewJob[];
  try {
    plan = planFires(schedule, now, { minIntervalMs: settings.minIntervalMs });
    plan = capPlan(plan, firesThisTick(schedule.job, plan.fireTimes.length, settings.caps));
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
  if (isPaced(schedule, settings.minIntervalMs)) logPaced(schedule, settings, log);
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

/** Tells the operator, once, that a schedule fires less often than it asks. */
function logPaced(schedule: Schedule, settings: FireSettings, log: Logger): void {
  const { pacedLogged, minIntervalMs } = settings;
  const key = `${schedule.tenant}\u0000${schedule.id}`;
  if (pacedLogged.has(key)) return;
  if (pacedLogged.size >= MAX_PACED_LOGGED) pacedLogged.clear();
  pacedLogged.add(key);
  const every = schedule.trigger.kind === 'every' ? schedule.trigger.every : undefined;
  log.warn(
    { tenant: schedule.tenant, scheduleId: schedule.id, every, minIntervalMs },
    'schedule fires more often than the minimum interval allows; it fires at most once per minimum interval (replace it with a longer every)',
  );
}
