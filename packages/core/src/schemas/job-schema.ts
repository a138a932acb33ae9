import { z } from 'zod';
import { backoffSchema } from './backoff-schema.js';
import {
  distinctNames,
  idempotencyKeySchema,
  instantSchema,
  integer,
  nameSchema,
  optional,
  prioritySchema,
  resourcesSchema,
  strictObject,
  tenantSchema,
} from './fields.js';
import {
  EXPECTED,
  MAX_ATTEMPTS,
  MAX_BATCH_JOBS,
  MAX_DEPENDS_ON,
  MAX_DURATION_MS,
  MAX_TAGS,
  MAX_TIMEOUT_MS,
} from './limits.js';

/** The fields a job and a schedule's job template share. */
export const jobTemplateFields = {
  name: nameSchema,
  tenant: optional(tenantSchema),
  // Checked after parsing (checkPayload): JSON-ness and size need the limits and their own code.
  payload: optional(z.unknown()),
  priority: optional(prioritySchema),
  tags: optional(distinctNames(MAX_TAGS, EXPECTED.tags, 'a tag')),
  maxAttempts: optional(integer(1, MAX_ATTEMPTS, EXPECTED.maxAttempts)),
  backoff: optional(backoffSchema),
  timeoutMs: optional(integer(1, MAX_TIMEOUT_MS, EXPECTED.timeoutMs)),
  resources: optional(resourcesSchema),
};

/** The body of `POST /v1/jobs`. `runAt` comes out as epoch ms. */
export const jobInputSchema = strictObject(
  {
    ...jobTemplateFields,
    delayMs: optional(integer(0, MAX_DURATION_MS, EXPECTED.delayMs)),
    runAt: optional(instantSchema),
    idempotencyKey: optional(idempotencyKeySchema),
    dependsOn: optional(distinctNames(MAX_DEPENDS_ON, EXPECTED.dependsOn, 'a job id')),
  },
  "an object with the job's fields (at least name)",
);

export type ParsedJobInput = z.output<typeof jobInputSchema>;

const EXPECTED_BATCH = `an array of 1 to ${MAX_BATCH_JOBS} jobs`;

/** The body of `POST /v1/jobs/batch`; each job is then checked by prepareJobs. */
export const jobBatchSchema = strictObject(
  {
    jobs: z
      .array(z.unknown(), { error: EXPECTED_BATCH })
      .min(1, { error: EXPECTED_BATCH })
      .max(MAX_BATCH_JOBS, { error: EXPECTED_BATCH }),
  },
  'an object with a "jobs" array',
);
