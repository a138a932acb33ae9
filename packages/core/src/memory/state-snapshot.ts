import { z } from 'zod';
import { CadenzaError } from '../errors.js';
import { JOB_STATUSES, type Job, MAX_PRIORITY, MIN_PRIORITY } from '../model/job.js';
import type { Schedule } from '../model/schedule.js';
import type { Leadership, PastAttempt } from '../store/store.js';
import type { ActivityEntry } from './activity-log.js';
import { fireIndexKey, idempotencyIndexKey } from './job-table.js';
import type { MemoryState } from './state.js';
import type { BucketEntry } from './tenant-limits.js';

/**
 * A plain, serialisable copy of a memory store's state (what `store-file` writes): arrays
 * and plain objects only, no Maps or Sets, so that `JSON.stringify` and `v8.serialize` both
 * keep it. Order carries meaning and is kept: ready queues (FIFO and the round robin's
 * turn), ties between equal due instants, children, schedules. `format` is the version of
 * this shape; a reader refuses a newer one rather than guessing.
 *
 * Indexes that the jobs alone cannot rebuild exactly are written out: the unique keys
 * (idempotency keys and fired (scheduleId, scheduledFor) pairs, each with the job holding
 * it) and the children of each parent (a deleted parent's children are not listed again).
 * So are the rate limits' token buckets; the active counts of `maxActive` follow from the
 * jobs and are not.
 *
 * Formats: 1 had no buckets (read as none: every bucket full, as for a store that never
 * limited a rate); 2 added `buckets`; 3 lets jobs and schedules' job templates carry
 * `resources` (units of named resources, absent when none). A job's holdings of resources
 * and per-name concurrency follow from the active jobs and are not written. Formats 1 and 2
 * read as they are (their jobs declare no resources); a cadenza that reads only up to 2
 * refuses a format 3 file rather than run its jobs without their resource limits. 4 added
 * what the dashboard reads: `activity` (jobs ended per tenant and minute) and
 * `pastAttempts`; formats 1 to 3 read with neither (no activity counted, no past attempts
 * kept), which loses nothing a job needs to run.
 */
export const MEMORY_STATE_FORMAT = 4;

export interface MemoryStateSnapshot {
  format: typeof MEMORY_STATE_FORMAT;
  /** Every kept job, in insertion order. */
  jobs: Job[];
  idempotencyKeys: [tenant: string, key: string, jobId: string][];
  firedPairs: [tenant: string, scheduleId: string, scheduledFor: number, jobId: string][];
  children: [parentId: string, childIds: string[]][];
  /** Ready queues, one entry per priority band (0 first): tenants in ring order, and the turn. */
  ready: { tenants: [tenant: string, jobIds: string[]][]; cursor: number; served: number }[];
  /** Delayed jobs by `runAt`, earliest first. */
  delayed: [jobId: string, runAt: number][];
  /** Active jobs by lease expiry, earliest first. */
  leases: [jobId: string, expiresAt: number][];
  /** Parents that ended with children still to release, in the order they ended. */
  pendingParents: [jobId: string, endedAt: number][];
  schedules: Schedule[];
  /** Unpaused schedules by `nextFireAt`, earliest first. */
  scheduleDue: [tenant: string, scheduleId: string, nextFireAt: number][];
  leadership: { holder: Leadership | null; lastEpoch: number };
  /** Rate limits' token buckets: tokens left at `at` (a claim's `now`), per tenant. */
  buckets: BucketEntry[];
  /** Jobs ended and attempts retried per tenant and minute, the last ACTIVITY_MINUTES kept. */
  activity: ActivityEntry[];
  /** Past attempts of kept jobs, oldest first. */
  pastAttempts: [jobId: string, attempts: PastAttempt[]][];
}

/** A deep copy of `state` as a snapshot. */
export function exportState(state: MemoryState): MemoryStateSnapshot {
  const jobs = [...state.jobs.values()];
  const idempotencyKeys: MemoryStateSnapshot['idempotencyKeys'] = [];
  const firedPairs: MemoryStateSnapshot['firedPairs'] = [];
  for (const job of jobs) {
    const { tenant, idempotencyKey, scheduleId, scheduledFor } = job;
    if (idempotencyKey !== undefined && state.jobs.holderOf(idempotencyIndexKey(tenant, idempotencyKey)) === job) {
      idempotencyKeys.push([tenant, idempotencyKey, job.id]);
    }
    if (
      scheduleId !== undefined &&
      scheduledFor !== undefined &&
      state.jobs.holderOf(fireIndexKey(tenant, scheduleId, scheduledFor)) === job
    ) {
      firedPairs.push([tenant, scheduleId, scheduledFor, job.id]);
    }
  }
  const leader = state.leader.state();
  return structuredClone({
    format: MEMORY_STATE_FORMAT,
    jobs,
    idempotencyKeys,
    firedPairs,
    children: state.jobs.childEntries(),
    ready: state.ready.bandStates(),
    delayed: state.delayed.entries(),
    leases: state.leases.entries(),
    pendingParents: [...state.pendingParents],
    schedules: state.schedules.all(),
    scheduleDue: state.schedules.dueEntries(),
    leadership: { holder: leader.holder ?? null, lastEpoch: leader.lastEpoch },
    buckets: state.limits.bucketEntries(),
    activity: state.activity.entries(),
    pastAttempts: [...state.pastAttempts],
  });
}

/**
 * Replaces `state` with a copy of `snapshot`, after checking its shape and that every id
 * it indexes is a kept job. A bad snapshot throws `invalid_argument` naming the field (under
 * `initialState`) and changes nothing; a newer `format` is refused as such.
 */
export function importState(state: MemoryState, snapshot: unknown): void {
  const checked = checkSnapshot(snapshot);
  const copy = structuredClone(checked);
  restoreUndefinedFields(copy);
  const unique: [string, string][] = [
    ...copy.idempotencyKeys.map(([tenant, key, id]): [string, string] => [idempotencyIndexKey(tenant, key), id]),
    ...copy.firedPairs.map(([tenant, scheduleId, at, id]): [string, string] => [
      fireIndexKey(tenant, scheduleId, at),
      id,
    ]),
  ];
  state.jobs.restore(copy.jobs, unique, copy.children);
  state.ready.restore(copy.ready);
  state.delayed.restore(copy.delayed);
  state.leases.restore(copy.leases);
  state.pendingParents.clear();
  for (const [id, at] of copy.pendingParents) state.pendingParents.set(id, at);
  state.schedules.restore(copy.schedules, copy.scheduleDue);
  state.leader.restore(copy.leadership.holder ?? undefined, copy.leadership.lastEpoch);
  state.limits.restore(copy.jobs, copy.buckets);
  state.holdings.restore(copy.jobs);
  state.activity.restore(copy.activity);
  state.pastAttempts.clear();
  for (const [id, attempts] of copy.pastAttempts) state.pastAttempts.set(id, attempts);
}

/**
 * JSON leaves out fields whose value is undefined; put them back, so that a job or schedule
 * read from JSON has the same keys as one that never left memory.
 */
const JOB_OPTIONAL = [
  'backoff',
  'timeoutMs',
  'idempotencyKey',
  'runAt',
  'scheduleId',
  'scheduledFor',
  'startedAt',
  'finishedAt',
  'result',
  'error',
  'progress',
  'lease',
] as const;
const SCHEDULE_OPTIONAL = ['lastFireAt', 'nextFireAt'] as const;
const TEMPLATE_OPTIONAL = ['backoff', 'timeoutMs'] as const;
const PAST_ATTEMPT_OPTIONAL = ['startedAt', 'workerId'] as const;

function restoreUndefinedFields(snapshot: MemoryStateSnapshot): void {
  const fill = (row: object, keys: readonly string[]): void => {
    for (const key of keys) if (!(key in row)) Object.assign(row, { [key]: undefined });
  };
  for (const job of snapshot.jobs) fill(job, JOB_OPTIONAL);
  for (const schedule of snapshot.schedules) {
    fill(schedule, SCHEDULE_OPTIONAL);
    fill(schedule.job, TEMPLATE_OPTIONAL);
    if (schedule.trigger.kind === 'every') fill(schedule.trigger, ['startAt']);
  }
  for (const [, attempts] of snapshot.pastAttempts)
    for (const attempt of attempts) fill(attempt, PAST_ATTEMPT_OPTIONAL);
}

// ── checking ────────────────────────────────────────────────────────────────
const text = z.string().min(1);
const instant = z.number().finite();
const count = z.number().int().nonnegative();
/** Units of named resources (absent when none; never undefined-valued in a snapshot). */
const resources = z.record(z.string(), z.number().int().positive()).optional();

/** The fields the store's indexes rely on; the rest of a job is kept as it is. */
const jobSchema = z.looseObject({
  id: text,
  tenant: text,
  name: text,
  status: z.enum(JOB_STATUSES),
  priority: z.number().int().min(MIN_PRIORITY).max(MAX_PRIORITY),
  attempt: count,
  maxAttempts: count,
  createdAt: instant,
  dependsOn: z.array(text),
  tags: z.array(z.string()),
  resources,
});

const scheduleSchema = z.looseObject({
  id: text,
  tenant: text,
  paused: z.boolean(),
  runCount: count,
  trigger: z.looseObject({ kind: z.enum(['cron', 'every', 'at', 'manual']) }),
  job: z.looseObject({ name: text, resources }),
  createdAt: instant,
});

const snapshotSchema = z.strictObject({
  format: z.literal(MEMORY_STATE_FORMAT),
  jobs: z.array(jobSchema),
  idempotencyKeys: z.array(z.tuple([text, text, text])),
  firedPairs: z.array(z.tuple([text, text, instant, text])),
  children: z.array(z.tuple([text, z.array(text)])),
  ready: z
    .array(z.strictObject({ tenants: z.array(z.tuple([text, z.array(text)])), cursor: count, served: count }))
    .max(MAX_PRIORITY - MIN_PRIORITY + 1),
  delayed: z.array(z.tuple([text, instant])),
  leases: z.array(z.tuple([text, instant])),
  pendingParents: z.array(z.tuple([text, instant])),
  schedules: z.array(scheduleSchema),
  scheduleDue: z.array(z.tuple([text, text, instant])),
  leadership: z.strictObject({
    holder: z.strictObject({ nodeId: text, epoch: count, expiresAt: instant }).nullable(),
    lastEpoch: count,
  }),
  buckets: z.array(z.tuple([text, z.number().finite().nonnegative(), instant])),
  activity: z.array(z.tuple([text, instant, count, count, count])),
  pastAttempts: z.array(
    z.tuple([
      text,
      z.array(
        z.strictObject({
          attempt: count,
          startedAt: instant.optional(),
          endedAt: instant,
          workerId: text.optional(),
          error: z.strictObject({ code: z.string(), message: z.string() }),
        }),
      ),
    ]),
  ),
});

function refuse(field: string, message: string): CadenzaError {
  const path = field === '' ? 'initialState' : `initialState.${field}`;
  return new CadenzaError('invalid_argument', `${path}: ${message}`, { field: path });
}

function checkSnapshot(value: unknown): MemoryStateSnapshot {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw refuse('', 'not a cadenza state snapshot (expected an object with a `format` field)');
  }
  const format = (value as { format?: unknown }).format;
  if (typeof format === 'number' && format > MEMORY_STATE_FORMAT) {
    throw refuse(
      'format',
      `format ${format} was written by a newer cadenza; this version reads format ${MEMORY_STATE_FORMAT}`,
    );
  }
  if (format !== MEMORY_STATE_FORMAT && format !== 1 && format !== 2 && format !== 3) {
    throw refuse('format', `got ${JSON.stringify(format) ?? 'nothing'}, expected ${MEMORY_STATE_FORMAT}`);
  }
  // Format 1 is format 2 without buckets; format 2 is format 3 whose jobs declare no
  // resources; format 3 is format 4 with no activity and no past attempts kept.
  const current =
    format === MEMORY_STATE_FORMAT
      ? value
      : {
          ...value,
          format: MEMORY_STATE_FORMAT,
          ...(format === 1 ? { buckets: [] } : {}),
          activity: [],
          pastAttempts: [],
        };
  const result = snapshotSchema.safeParse(current);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw refuse(issue?.path.join('.') ?? '', issue?.message ?? 'not a valid state snapshot');
  }
  const snapshot = result.data as unknown as MemoryStateSnapshot;
  checkReferences(snapshot);
  return snapshot;
}

/** Every id an index holds must be a kept job (a parent in `children` may have been deleted). */
function checkReferences(snapshot: MemoryStateSnapshot): void {
  const ids = new Set<string>();
  for (const [i, job] of snapshot.jobs.entries()) {
    if (ids.has(job.id)) throw refuse(`jobs.${i}.id`, `job ${job.id} appears twice`);
    ids.add(job.id);
  }
  const known = (field: string, id: string): void => {
    if (!ids.has(id)) throw refuse(field, `names job ${id}, which is not in jobs`);
  };
  for (const [i, [, , id]] of snapshot.idempotencyKeys.entries()) known(`idempotencyKeys.${i}`, id);
  for (const [i, [, , , id]] of snapshot.firedPairs.entries()) known(`firedPairs.${i}`, id);
  for (const [i, [, children]] of snapshot.children.entries()) {
    for (const id of children) known(`children.${i}`, id);
  }
  for (const [p, band] of snapshot.ready.entries()) {
    for (const [, queue] of band.tenants) for (const id of queue) known(`ready.${p}`, id);
  }
  for (const [i, [id]] of snapshot.delayed.entries()) known(`delayed.${i}`, id);
  for (const [i, [id]] of snapshot.leases.entries()) known(`leases.${i}`, id);
  for (const [i, [id]] of snapshot.pastAttempts.entries()) known(`pastAttempts.${i}`, id);
  const schedules = new Set(snapshot.schedules.map((s) => `${s.tenant}\u0000${s.id}`));
  for (const [i, [tenant, id]] of snapshot.scheduleDue.entries()) {
    if (!schedules.has(`${tenant}\u0000${id}`)) {
      throw refuse(`scheduleDue.${i}`, `names schedule ${tenant}/${id}, which is not in schedules`);
    }
  }
}
