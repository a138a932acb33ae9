import { isDeepStrictEqual } from 'node:util';
import type { Job, JobStatus, Schedule, Store } from '@cadenza/core';
import { definedOnly } from '@cadenza/core';
import { type CopyJob, expectedStatus, seenStatus, UNFINISHED } from './copy-job.js';
import type { SourceSchedule, TransferSource } from './source.js';

/** One job in this many is compared field by field (the first of each page among them). */
export const SAMPLE_EVERY = 50;
/** The most differences a report names. */
const NAMED = 20;

export interface Verification {
  /** Unfinished jobs by status, as the copy should have them and as the target has them. */
  jobs: Record<'waiting' | 'delayed' | 'blocked', { source: number; target: number }>;
  schedules: { source: number; target: number };
  /** Jobs and schedules compared field by field. */
  sampled: { jobs: number; schedules: number };
  /** Each difference found, in words (the first few). */
  differences: string[];
}

/**
 * Compares what `source` holds with what `target` holds now: counts of unfinished jobs by
 * status (active counted as waiting, a delayed job that is due as waiting), the number of
 * schedules, a sample of jobs and every schedule field by field (the fields a copy carries).
 */
export async function verify(source: TransferSource, target: Store, now: number): Promise<Verification> {
  const result: Verification = {
    jobs: { waiting: { source: 0, target: 0 }, delayed: { source: 0, target: 0 }, blocked: { source: 0, target: 0 } },
    schedules: { source: 0, target: 0 },
    sampled: { jobs: 0, schedules: 0 },
    differences: [],
  };
  const differ = (text: string) => {
    if (result.differences.length < NAMED) result.differences.push(text);
  };
  let seen = 0;
  const checkPage = async (page: readonly CopyJob[]) => {
    const sample: CopyJob[] = [];
    for (const copy of page) {
      result.jobs[countedAs(expectedStatus(copy.job, now))].source += 1;
      if (seen++ % SAMPLE_EVERY === 0) sample.push(copy);
    }
    const found = await target.getJobs(sample.map((copy) => copy.job.id));
    sample.forEach((copy, i) => {
      result.sampled.jobs += 1;
      for (const field of jobDifferences(copy, found[i], now)) differ(`job ${copy.job.id}: ${field}`);
    });
  };
  for await (const page of source.independent()) await checkPage(page);
  for await (const page of source.dependent()) await checkPage(page);

  for (const status of UNFINISHED) {
    let cursor: string | undefined;
    do {
      const page = await target.listJobs({ status, limit: 500, ...definedOnly({ cursor }) });
      for (const job of page.jobs) result.jobs[countedAs(seenStatus(job, now))].target += 1;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }

  for await (const page of source.schedules()) {
    for (const schedule of page) {
      result.schedules.source += 1;
      result.sampled.schedules += 1;
      const { tenant, id } = schedule.definition;
      const there = await target.getSchedule(tenant, id);
      for (const field of scheduleDifferences(schedule, there)) differ(`schedule ${tenant}/${id}: ${field}`);
    }
  }
  let cursor: string | undefined;
  do {
    const page = await target.listSchedules({ limit: 500, ...definedOnly({ cursor }) });
    result.schedules.target += page.schedules.length;
    cursor = page.nextCursor;
  } while (cursor !== undefined);

  for (const [status, { source: s, target: t }] of Object.entries(result.jobs)) {
    if (s !== t) differ(`${status} jobs: ${s} expected, ${t} in the target`);
  }
  if (result.schedules.source !== result.schedules.target) {
    differ(`schedules: ${result.schedules.source} expected, ${result.schedules.target} in the target`);
  }
  return result;
}

function countedAs(status: JobStatus): 'waiting' | 'delayed' | 'blocked' {
  return status === 'delayed' || status === 'blocked' ? status : 'waiting';
}

/** The copied fields of a job that the target holds otherwise (`field: expected X, found Y`). */
export function jobDifferences(copy: CopyJob, found: Job | undefined, now: number): string[] {
  if (found === undefined) return ['missing from the target'];
  const want = copy.job;
  const status = expectedStatus(want, now);
  const pairs: [string, unknown, unknown][] = [
    ['status', status, seenStatus(found, now)],
    ['name', want.name, found.name],
    ['tenant', want.tenant, found.tenant],
    ['payload', want.payload ?? null, found.payload ?? null],
    ['priority', want.priority, found.priority],
    ['tags', want.tags, found.tags],
    ['maxAttempts', want.maxAttempts, found.maxAttempts],
    ['backoff', want.backoff, found.backoff ?? undefined],
    ['timeoutMs', want.timeoutMs, found.timeoutMs ?? undefined],
    ['idempotencyKey', want.idempotencyKey, found.idempotencyKey ?? undefined],
    ['scheduleId', want.scheduleId, found.scheduleId ?? undefined],
    ['scheduledFor', want.scheduledFor, found.scheduledFor ?? undefined],
    ['resources', someOrNone(want.resources), someOrNone(found.resources)],
    ['dependsOn', [...want.dependsOn].sort(), [...found.dependsOn].sort()],
    // A time only matters while the job waits for it.
    ['runAt', status === 'delayed' ? want.runAt : undefined, status === 'delayed' ? found.runAt : undefined],
  ];
  return differing(pairs);
}

/** The copied fields of a schedule that the target holds otherwise. */
export function scheduleDifferences(want: SourceSchedule, found: Schedule | undefined): string[] {
  if (found === undefined) return ['missing from the target'];
  const d = want.definition;
  return differing([
    ['trigger', d.trigger, found.trigger],
    ['job', d.job, found.job],
    ['misfire', d.misfire, found.misfire],
    ['maxCatchUp', d.maxCatchUp, found.maxCatchUp],
    ['misfireGraceMs', d.misfireGraceMs, found.misfireGraceMs],
    ['paused', d.paused, found.paused],
    ['nextFireAt', iso(want.nextFireAt), iso(found.nextFireAt)],
  ]);
}

function differing(pairs: readonly [string, unknown, unknown][]): string[] {
  return pairs
    .filter(([, a, b]) => !isDeepStrictEqual(normal(a), normal(b)))
    .map(
      ([field, a, b]) =>
        `${field}: expected ${JSON.stringify(a) ?? 'nothing'}, found ${JSON.stringify(b) ?? 'nothing'}`,
    );
}

/** Objects as JSON would carry them, so that an absent key and a key set to undefined agree. */
function normal(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function someOrNone(resources: Record<string, number> | undefined): Record<string, number> | undefined {
  return resources === undefined || Object.keys(resources).length === 0 ? undefined : resources;
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
