import type {
  ActivityMinute,
  BackoffPolicy,
  JobError,
  ListedJob,
  PastAttempt,
  QueueDepth,
  Schedule,
} from '@cadenza/core';

/**
 * What the API shows of jobs and schedules. The engine keeps times as epoch ms; the API
 * speaks ISO-8601 UTC. Fields the job does not have are left out, and so are `payload`
 * and `result` of a listed job that was not asked for them. A lease's token is a worker's
 * secret and is never shown.
 */
export function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

export interface JobJson {
  id: string;
  name: string;
  tenant: string;
  status: ListedJob['status'];
  priority: number;
  payload?: unknown;
  tags: string[];
  attempt: number;
  maxAttempts: number;
  backoff?: BackoffPolicy;
  timeoutMs?: number;
  idempotencyKey?: string;
  dependsOn: string[];
  runAt?: string;
  scheduleId?: string;
  scheduledFor?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  result?: unknown;
  error?: JobError;
  progress?: unknown;
  lease?: { workerId: string; expiresAt: string };
  /** Only on `GET /v1/jobs/:id`: the attempts that ended before the latest one, oldest first. */
  pastAttempts?: PastAttemptJson[];
}

export function jobJson(job: ListedJob): JobJson {
  return {
    id: job.id,
    name: job.name,
    tenant: job.tenant,
    status: job.status,
    priority: job.priority,
    payload: job.payload,
    tags: job.tags,
    attempt: job.attempt,
    maxAttempts: job.maxAttempts,
    backoff: job.backoff,
    timeoutMs: job.timeoutMs,
    idempotencyKey: job.idempotencyKey,
    dependsOn: job.dependsOn,
    runAt: iso(job.runAt),
    scheduleId: job.scheduleId,
    scheduledFor: iso(job.scheduledFor),
    createdAt: new Date(job.createdAt).toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    result: job.result,
    error: job.error === undefined ? undefined : { code: job.error.code, message: job.error.message },
    progress: job.progress,
    lease:
      job.lease === undefined
        ? undefined
        : { workerId: job.lease.workerId, expiresAt: new Date(job.lease.expiresAt).toISOString() },
  };
}

/** An attempt that ended before the job's latest one (`Store.pastAttempts`). */
export interface PastAttemptJson {
  attempt: number;
  startedAt: string | null;
  endedAt: string;
  workerId: string | null;
  error: JobError;
}

export function pastAttemptJson(past: PastAttempt): PastAttemptJson {
  return {
    attempt: past.attempt,
    startedAt: iso(past.startedAt) ?? null,
    endedAt: new Date(past.endedAt).toISOString(),
    workerId: past.workerId ?? null,
    error: { code: past.error.code, message: past.error.message },
  };
}

/** Jobs that ended in one minute (`GET /v1/activity`). */
export interface ActivityMinuteJson {
  at: string;
  succeeded: number;
  failed: number;
  retried: number;
}

export function activityMinuteJson(minute: ActivityMinute): ActivityMinuteJson {
  return {
    at: new Date(minute.at).toISOString(),
    succeeded: minute.succeeded,
    failed: minute.failed,
    retried: minute.retried,
  };
}

/** A schedule in the shape of the `PUT /v1/schedules/:id` body, plus what the engine computed. */
export interface ScheduleJson {
  id: string;
  tenant: string;
  name: string;
  cron?: string;
  tz?: string;
  every?: number;
  startAt?: string;
  at?: string;
  manual?: true;
  payload: unknown;
  priority: number;
  tags: string[];
  maxAttempts: number;
  backoff?: BackoffPolicy;
  timeoutMs?: number;
  misfire: Schedule['misfire'];
  maxCatchUp: number;
  misfireGraceMs: number;
  paused: boolean;
  runCount: number;
  lastFireAt?: string;
  /** The job of the latest fire; null before the first, and on stores that do not keep it. */
  lastJobId: string | null;
  nextFireAt?: string;
  createdAt: string;
  updatedAt: string;
}

export function scheduleJson(schedule: Schedule): ScheduleJson {
  return {
    id: schedule.id,
    tenant: schedule.tenant,
    name: schedule.job.name,
    ...triggerJson(schedule.trigger),
    payload: schedule.job.payload,
    priority: schedule.job.priority,
    tags: schedule.job.tags,
    maxAttempts: schedule.job.maxAttempts,
    backoff: schedule.job.backoff,
    timeoutMs: schedule.job.timeoutMs,
    misfire: schedule.misfire,
    maxCatchUp: schedule.maxCatchUp,
    misfireGraceMs: schedule.misfireGraceMs,
    paused: schedule.paused,
    runCount: schedule.runCount,
    lastFireAt: iso(schedule.lastFireAt),
    lastJobId: schedule.lastJobId ?? null,
    nextFireAt: iso(schedule.nextFireAt),
    createdAt: new Date(schedule.createdAt).toISOString(),
    updatedAt: new Date(schedule.updatedAt).toISOString(),
  };
}

function triggerJson(
  trigger: Schedule['trigger'],
): Pick<ScheduleJson, 'cron' | 'tz' | 'every' | 'startAt' | 'at' | 'manual'> {
  switch (trigger.kind) {
    case 'cron':
      return { cron: trigger.cron, tz: trigger.tz };
    case 'every':
      return { every: trigger.every, startAt: iso(trigger.startAt) };
    case 'at':
      return { at: new Date(trigger.at).toISOString() };
    case 'manual':
      return { manual: true };
  }
}

/** One row per tenant and priority, with a count for each status that has jobs. */
export interface QueueJson {
  tenant: string;
  priority: number;
  counts: Partial<Record<QueueDepth['status'], number>>;
}

export function queuesJson(depths: readonly QueueDepth[]): QueueJson[] {
  const rows = new Map<string, QueueJson>();
  for (const depth of depths) {
    const key = `${depth.tenant}\u0000${depth.priority}`;
    let row = rows.get(key);
    if (row === undefined) {
      row = { tenant: depth.tenant, priority: depth.priority, counts: {} };
      rows.set(key, row);
    }
    row.counts[depth.status] = (row.counts[depth.status] ?? 0) + depth.count;
  }
  return [...rows.values()].sort(
    (a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0) || b.priority - a.priority,
  );
}
