// Input validation: the limits on input (docs/limits.md) as zod schemas, and the functions that turn
// validated input into what the engine stores. Each export is named; internals stay here.
export { backoffSchema } from './backoff-schema.js';
export { parseJobInclude } from './job-include.js';
export { jobBatchSchema, jobInputSchema } from './job-schema.js';
export {
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_MAX_SCHEDULES_PER_TENANT,
  DEFAULT_MIN_INTERVAL_MS,
  IDEMPOTENCY_KEY_PATTERN,
  type InputLimits,
  MAX_ATTEMPTS,
  MAX_BATCH_JOBS,
  MAX_CATCH_UP_LIMIT,
  MAX_DEPENDS_ON,
  MAX_DURATION_MS,
  MAX_RESOURCE_UNITS,
  MAX_RESOURCES,
  MAX_TAGS,
  MAX_TIMEOUT_MS,
  NAME_PATTERN,
  TENANT_PATTERN,
} from './limits.js';
export { prepareJob, prepareJobBatch, prepareJobs } from './prepare-job.js';
export { jobFromSchedule, prepareSchedule } from './prepare-schedule.js';
export { checkScheduleLimits, maxSchedulesPerTenant, minIntervalMs, upsertOptionsOf } from './schedule-limits.js';
export {
  DEFAULT_PREVIEW_FIRES,
  MAX_PREVIEW_FIRES,
  prepareSchedulePreview,
  type SchedulePreview,
  schedulePreviewSchema,
} from './schedule-preview.js';
export { scheduleInputSchema } from './schedule-schema.js';
