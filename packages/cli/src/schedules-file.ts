import { readFileSync } from 'node:fs';
import {
  type InputLimits,
  type JobInput,
  type Logger,
  prepareJob,
  prepareSchedule,
  type ScheduleInput,
} from '@cadenza/core';
import type { Engine } from '@cadenza/engine';
import { oneLine, UsageError } from './errors.js';

/**
 * The `--schedules FILE` of `cadenza dev`: a JSON object whose keys are schedule ids and
 * whose values are `PUT /v1/schedules/:id` bodies, upserted at every start (an unchanged
 * trigger keeps its `nextFireAt`, so a restart neither skips nor repeats a fire). Two keys
 * are special: `"jobs"`, an array of `POST /v1/jobs` bodies enqueued at every start (give
 * each an `idempotencyKey` so a restart creates nothing new; a `dependsOn` entry equal to
 * an earlier entry's `idempotencyKey` names that job), and keys starting with `$`
 * (`"$comment"`), which are ignored.
 */
export interface StartupFile {
  schedules: [id: string, input: ScheduleInput][];
  jobs: JobInput[];
}

/**
 * Reads and checks the whole file, under the limits the engine will apply (the shortest
 * `every`, the payload size); `now` only anchors the validation of its jobs.
 */
export function readStartupFile(path: string, now: number, limits?: InputLimits): StartupFile {
  const fail = (what: string): UsageError => new UsageError(`--schedules ${path}: ${what}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw fail(`cannot be read: ${oneLine(error)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw fail(`is not JSON: ${oneLine(error)}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw fail(
      'expected an object mapping schedule ids to schedules, e.g. { "digest": { "name": "email.send", "cron": "0 8 * * *" } }',
    );
  }
  const file: StartupFile = { schedules: [], jobs: [] };
  for (const [key, value] of Object.entries(data)) {
    if (key.startsWith('$')) continue;
    if (key === 'jobs') {
      if (!Array.isArray(value)) throw fail('"jobs" must be an array of jobs, e.g. [{ "name": "etl.extract" }]');
      const keys = new Set<string>();
      value.forEach((job: unknown, index) => {
        const input = job as JobInput;
        const dependsOn = Array.isArray(input?.dependsOn) ? input.dependsOn : undefined;
        // References to earlier keys become ids only at enqueue; check the rest now.
        const checked = { ...input, dependsOn: dependsOn?.filter((d) => !keys.has(d)) };
        try {
          prepareJob(checked, now, limits);
        } catch (error) {
          throw fail(`jobs[${index}]: ${oneLine(error)}`);
        }
        if (typeof input.idempotencyKey === 'string') keys.add(input.idempotencyKey);
        file.jobs.push(input);
      });
      continue;
    }
    try {
      prepareSchedule(key, value as ScheduleInput, limits);
    } catch (error) {
      throw fail(`schedule ${JSON.stringify(key)}: ${oneLine(error)}`);
    }
    file.schedules.push([key, value as ScheduleInput]);
  }
  return file;
}

/** Upserts the file's schedules, then enqueues its jobs in order. */
export async function applyStartupFile(engine: Engine, file: StartupFile, log: Logger): Promise<void> {
  for (const [id, input] of file.schedules) {
    const { schedule, created } = await engine.upsertSchedule(id, input);
    const next = schedule.nextFireAt === undefined ? undefined : new Date(schedule.nextFireAt).toISOString();
    log.info({ scheduleId: id, tenant: schedule.tenant, created, nextFireAt: next }, 'schedule from --schedules');
  }
  const idsByKey = new Map<string, string>();
  for (const input of file.jobs) {
    const tenant = input.tenant ?? 'default';
    const dependsOn = input.dependsOn?.map((d) => idsByKey.get(`${tenant}\u0000${d}`) ?? d);
    const result = await engine.enqueue(dependsOn === undefined ? input : { ...input, dependsOn });
    if (input.idempotencyKey !== undefined) idsByKey.set(`${tenant}\u0000${input.idempotencyKey}`, result.id);
    log.info(
      { jobId: result.id, name: input.name, created: result.created, status: result.status },
      'job from --schedules',
    );
  }
}
