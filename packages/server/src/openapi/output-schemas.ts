import { ACTIVITY_MINUTES, JOB_STATUSES, MAX_PREVIEW_FIRES } from '@cadenza/core';
import { INPUT_SCHEMAS, propertiesOf, withoutNull } from './input-schemas.js';
import { anyJson, dateTime, type JsonSchema, object, ref } from './json-schema.js';

/**
 * What the API answers (serialize.ts, routes/cluster.ts, routes/health.ts). A field an
 * answer shares with a body (name, priority, tags, backoff…) is taken from the body's
 * generated schema, so both follow core's limits; the rest is what serialize.ts writes.
 * Objects refuse unknown properties, so that the test holding real answers against these
 * schemas notices a field added to an answer and left out here.
 */

const job = propertiesOf(INPUT_SCHEMAS.JobInput ?? {});
const schedule = propertiesOf(INPUT_SCHEMAS.ScheduleInput ?? {});
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const status: JsonSchema = { type: 'string', enum: [...JOB_STATUSES] };
const count: JsonSchema = { type: 'integer', minimum: 0 };

const Job = object(
  {
    id: { type: 'string' },
    name: withoutNull(job.name),
    tenant: withoutNull(job.tenant),
    status,
    priority: withoutNull(job.priority),
    payload: anyJson,
    tags: withoutNull(job.tags),
    attempt: count,
    maxAttempts: withoutNull(job.maxAttempts),
    backoff: ref('Backoff'),
    timeoutMs: withoutNull(job.timeoutMs),
    idempotencyKey: withoutNull(job.idempotencyKey),
    dependsOn: withoutNull(job.dependsOn),
    runAt: dateTime,
    scheduleId: { type: 'string' },
    scheduledFor: dateTime,
    createdAt: dateTime,
    startedAt: dateTime,
    finishedAt: dateTime,
    result: anyJson,
    error: object({ code: { type: 'string' }, message: { type: 'string' } }, ['code', 'message']),
    progress: anyJson,
    // The lease's token is a worker's secret and is never shown.
    lease: object({ workerId: { type: 'string' }, expiresAt: dateTime }, ['workerId', 'expiresAt']),
    // Only on GET /v1/jobs/:id: the attempts that ended before the latest one, oldest first.
    pastAttempts: {
      type: 'array',
      items: object(
        {
          attempt: { type: 'integer', minimum: 1 },
          startedAt: nullable(dateTime),
          endedAt: dateTime,
          workerId: nullable({ type: 'string' }),
          error: object({ code: { type: 'string' }, message: { type: 'string' } }, ['code', 'message']),
        },
        ['attempt', 'startedAt', 'endedAt', 'workerId', 'error'],
      ),
    },
  },
  ['id', 'name', 'tenant', 'status', 'priority', 'tags', 'attempt', 'maxAttempts', 'dependsOn', 'createdAt'],
);

const Schedule = object(
  {
    // A schedule's id is written like a name (idParam).
    id: withoutNull(schedule.name),
    tenant: withoutNull(schedule.tenant),
    name: withoutNull(schedule.name),
    cron: withoutNull(schedule.cron),
    tz: withoutNull(schedule.tz),
    every: withoutNull(schedule.every),
    startAt: dateTime,
    at: dateTime,
    manual: { const: true },
    payload: anyJson,
    priority: withoutNull(schedule.priority),
    tags: withoutNull(schedule.tags),
    maxAttempts: withoutNull(schedule.maxAttempts),
    backoff: ref('Backoff'),
    timeoutMs: withoutNull(schedule.timeoutMs),
    misfire: withoutNull(schedule.misfire),
    maxCatchUp: withoutNull(schedule.maxCatchUp),
    misfireGraceMs: withoutNull(schedule.misfireGraceMs),
    paused: withoutNull(schedule.paused),
    runCount: count,
    lastFireAt: dateTime,
    // The job of the latest fire: null before the first, and on stores that do not keep it.
    lastJobId: nullable({ type: 'string' }),
    nextFireAt: dateTime,
    createdAt: dateTime,
    updatedAt: dateTime,
  },
  [
    'id',
    'tenant',
    'name',
    'priority',
    'tags',
    'maxAttempts',
    'misfire',
    'maxCatchUp',
    'misfireGraceMs',
    'paused',
    'runCount',
    'lastJobId',
    'createdAt',
    'updatedAt',
  ],
);

/** The leader as `/v1/cluster` and a coordinator's `/readyz` show it (routes/leader.ts). */
const Leader = object(
  {
    id: { type: 'string' },
    epoch: count,
    expiresAt: dateTime,
    lastTickAt: nullable(dateTime),
    lastTickAgoMs: nullable(count),
  },
  ['id', 'epoch', 'expiresAt', 'lastTickAt', 'lastTickAgoMs'],
);

const seen = { id: { type: 'string' }, lastSeenAt: dateTime, startedAt: dateTime };

const Cluster = object(
  {
    node: nullable(object({ id: { type: 'string' }, role: { type: 'string' } }, ['id', 'role'])),
    leader: nullable(ref('Leader')),
    coordinators: {
      type: 'array',
      // This process's own coordinator adds whatever it reports of itself.
      items: {
        ...object({ ...seen, leader: { type: 'boolean' } }, ['id', 'leader', 'lastSeenAt']),
        additionalProperties: true,
      },
    },
    workers: {
      type: 'array',
      items: object({ ...seen, active: count, concurrency: count }, ['id', 'active', 'lastSeenAt']),
    },
    servers: { type: 'array', items: object(seen, ['id', 'lastSeenAt']) },
    queues: {
      type: 'array',
      items: object(
        {
          tenant: withoutNull(job.tenant),
          priority: withoutNull(job.priority),
          counts: { type: 'object', propertyNames: status, additionalProperties: count },
        },
        ['tenant', 'priority', 'counts'],
      ),
    },
  },
  ['node', 'leader', 'coordinators', 'workers', 'servers', 'queues'],
);

/** `GET /v1/activity`: jobs ended per minute, oldest first (routes/activity.ts). */
const Activity = object(
  {
    minutes: {
      type: 'array',
      maxItems: ACTIVITY_MINUTES,
      items: object({ at: dateTime, succeeded: count, failed: count, retried: count }, [
        'at',
        'succeeded',
        'failed',
        'retried',
      ]),
    },
    // Only from a store that keeps no activity; its minutes are then empty.
    unsupported: { const: true },
  },
  ['minutes'],
);

/** `POST /v1/schedules/preview` (routes/schedule-preview.ts). */
const SchedulePreview = object(
  {
    description: { type: 'string' },
    // The zone of a cron trigger's wall-clock times; null for the others.
    tz: nullable({ type: 'string' }),
    fires: { type: 'array', maxItems: MAX_PREVIEW_FIRES, items: dateTime },
  },
  ['description', 'tz', 'fires'],
);

const unavailableError = object({ code: { const: 'unavailable' }, message: { type: 'string' } }, ['code', 'message']);

/** The answers by their names in `components.schemas`. */
export const OUTPUT_SCHEMAS: Record<string, JsonSchema> = {
  Job,
  // Jobs and schedules show the backoff policy as it was given, without the nulls a body may hold.
  Backoff: withoutNull(job.backoff),
  Enqueued: object({ id: { type: 'string' }, status }, ['id', 'status']),
  BatchEnqueued: object({ ids: { type: 'array', items: { type: 'string' } } }, ['ids']),
  JobPage: object({ jobs: { type: 'array', items: ref('Job') }, nextCursor: nullable({ type: 'string' }) }, [
    'jobs',
    'nextCursor',
  ]),
  Schedule,
  SchedulePage: object(
    { schedules: { type: 'array', items: ref('Schedule') }, nextCursor: nullable({ type: 'string' }) },
    ['schedules', 'nextCursor'],
  ),
  ScheduleDeleted: object({ id: { type: 'string' }, tenant: withoutNull(schedule.tenant), deleted: { const: true } }, [
    'id',
    'tenant',
    'deleted',
  ]),
  SchedulePreview,
  Activity,
  Leader,
  Cluster,
  Healthy: object({ status: { const: 'ok' } }, ['status']),
  Ready: object({ status: { const: 'ready' }, leader: ref('Leader'), leading: { type: 'boolean' } }, ['status']),
  NotReady: object(
    {
      // `stopping` from a shutdown's first signal; `unavailable` for any other reason.
      status: { type: 'string', enum: ['unavailable', 'stopping'] },
      error: unavailableError,
      leader: { type: 'null' },
      leading: { const: false },
    },
    ['status', 'error'],
  ),
};
