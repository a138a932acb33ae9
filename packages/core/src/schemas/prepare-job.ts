import { newJobId } from '../model/ids.js';
import { DEFAULT_PRIORITY, DEFAULT_TENANT, type JobInput, type NewJob } from '../model/job.js';
import { commonJobInput } from './common-job-input.js';
import { jobBatchSchema, jobInputSchema } from './job-schema.js';
import { type InputLimits, MAX_BATCH_JOBS } from './limits.js';
import { checkPayload, maxPayloadBytes } from './payload.js';
import { countError, fieldError, type Path, parseOrThrow } from './zod-errors.js';

/** Validates one job input and turns it into a NewJob (id generated, defaults filled). */
export function prepareJob(input: JobInput | unknown, now: number, limits?: InputLimits): NewJob {
  return prepareJobAt(input, now, maxPayloadBytes(limits), [], 'job');
}

/**
 * The same for a batch, all or nothing; a bad field is named with its index (`jobs.3.name`).
 * Two jobs of one tenant with the same idempotencyKey are refused too: within one batch
 * "the second returns the first's id" would be ambiguous.
 */
export function prepareJobs(inputs: readonly unknown[], now: number, limits?: InputLimits): NewJob[] {
  const expected = `an array of 1 to ${MAX_BATCH_JOBS} jobs`;
  if (!Array.isArray(inputs)) throw fieldError(['jobs'], inputs, expected);
  if (inputs.length === 0 || inputs.length > MAX_BATCH_JOBS) throw countError(['jobs'], inputs.length, expected);
  const maxBytes = maxPayloadBytes(limits);
  const keys = new Map<string, number>();
  return inputs.map((input: unknown, index) => {
    const job = prepareJobAt(input, now, maxBytes, ['jobs', index], `jobs.${index}`);
    if (job.idempotencyKey !== undefined) {
      const key = `${job.tenant}\u0000${job.idempotencyKey}`;
      const first = keys.get(key);
      if (first !== undefined) {
        throw fieldError(
          ['jobs', index, 'idempotencyKey'],
          job.idempotencyKey,
          `a key not already used in this batch by a job of tenant "${job.tenant}" (jobs.${first} uses it)`,
        );
      }
      keys.set(key, index);
    }
    return job;
  });
}

/** The body of `POST /v1/jobs/batch` (`{ jobs: [...] }`), checked and prepared. */
export function prepareJobBatch(body: unknown, now: number, limits?: InputLimits): NewJob[] {
  const { jobs } = parseOrThrow(jobBatchSchema, body, [], 'batch');
  return prepareJobs(jobs, now, limits);
}

function prepareJobAt(input: unknown, now: number, maxBytes: number, prefix: Path, root: string): NewJob {
  const job = commonJobInput(input) ?? parseOrThrow(jobInputSchema, input, prefix, root);
  if (job.delayMs !== undefined && job.runAt !== undefined) {
    throw fieldError(
      [...prefix, 'runAt'],
      new Date(job.runAt),
      'no runAt when delayMs is given: give one or the other',
    );
  }
  const payload = job.payload === undefined ? null : job.payload;
  checkPayload(payload, [...prefix, 'payload'], maxBytes);
  const tenant = job.tenant ?? DEFAULT_TENANT;
  const runAt = job.delayMs === undefined ? job.runAt : now + job.delayMs;
  return {
    id: newJobId(tenant, now),
    name: job.name,
    tenant,
    payload,
    priority: job.priority ?? DEFAULT_PRIORITY,
    tags: job.tags ?? [],
    maxAttempts: job.maxAttempts ?? 1,
    backoff: job.backoff,
    timeoutMs: job.timeoutMs,
    idempotencyKey: job.idempotencyKey,
    dependsOn: job.dependsOn ?? [],
    // A run time that has already come means "ready now", not "delayed".
    runAt: runAt !== undefined && runAt > now ? runAt : undefined,
    scheduleId: undefined,
    scheduledFor: undefined,
    ...resourcesField(job.resources),
  };
}

/** `resources` as a job or template carries it: left out when none are declared. */
export function resourcesField(resources: Record<string, number> | undefined): { resources?: Record<string, number> } {
  return resources === undefined || Object.keys(resources).length === 0 ? {} : { resources: { ...resources } };
}
