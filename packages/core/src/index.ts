// The public surface of @cadenza/core: what users of cadenza import, each export named, nothing re-exported
// wholesale. The pieces only store implementations need live in the second entry, store-kit.ts.
export { type Clock, realClock, sleepOn, type TimerHandle } from './clock/clock.js';
export { FakeClock, flushPromises } from './clock/fake-clock.js';
export { Wakeup } from './clock/wakeup.js';
export {
  CadenzaError,
  type CadenzaErrorOptions,
  describeValue,
  ERROR_CODES,
  type ErrorCode,
  HTTP_STATUS,
  invalidArgument,
  isCadenzaError,
  StaleEpochError,
} from './errors.js';
export {
  type CadenzaEvent,
  EVENT_TYPES,
  type EventLog,
  type EventType,
  MemoryEventLog,
  type NewEvent,
  type ReadOptions,
  subscribe,
  withEvents,
} from './events/index.js';
export { type Hook, type HookEvents, type HookKind, Hooks } from './hooks/index.js';
export { type JobLogFields, jobLogFields } from './log/job-fields.js';
export { type Logger, silentLogger } from './log/logger.js';
export { REDACTED, secretRedactor, secretsOfUrl } from './log/redact.js';
export { createMemoryStore, type MemoryStore, type MemoryStoreOptions } from './memory/memory-store.js';
export type { HandlerEntry, HandlerFn, HandlerSpec, HandlersMap, JobContext } from './model/handler.js';
export { tenantOfJobId } from './model/ids.js';
export {
  type BackoffPolicy,
  type ClaimedJob,
  DEFAULT_PRIORITY,
  DEFAULT_TENANT,
  FINAL_STATUSES,
  isFinalStatus,
  type Jitter,
  JOB_ERROR_CODES,
  JOB_STATUSES,
  type Job,
  type JobError,
  type JobErrorCode,
  type JobInput,
  type JobLease,
  type JobStatus,
  MAX_PRIORITY,
  MIN_PRIORITY,
  type NewJob,
} from './model/job.js';
export {
  DEFAULT_MAX_CATCH_UP,
  DEFAULT_MISFIRE,
  DEFAULT_MISFIRE_GRACE_MS,
  type JobTemplate,
  type MisfirePolicy,
  type NormalizedTrigger,
  type Schedule,
  type ScheduleDefinition,
  type ScheduleInput,
  type Trigger,
} from './model/schedule.js';
export {
  Backoff,
  backoffDelay,
  Outage,
  type RetryFn,
  type RetryOptions,
  type RetryPolicy,
  retry,
  retryable,
  STORE_RETRY,
} from './retry/index.js';
export {
  backoffSchema,
  checkScheduleLimits,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_MAX_SCHEDULES_PER_TENANT,
  DEFAULT_MIN_INTERVAL_MS,
  DEFAULT_PREVIEW_FIRES,
  IDEMPOTENCY_KEY_PATTERN,
  type InputLimits,
  jobBatchSchema,
  jobFromSchedule,
  jobInputSchema,
  MAX_ATTEMPTS,
  MAX_BATCH_JOBS,
  MAX_CATCH_UP_LIMIT,
  MAX_DEPENDS_ON,
  MAX_DURATION_MS,
  MAX_PREVIEW_FIRES,
  MAX_RESOURCE_UNITS,
  MAX_RESOURCES,
  MAX_TAGS,
  MAX_TIMEOUT_MS,
  maxSchedulesPerTenant,
  minIntervalMs,
  NAME_PATTERN,
  parseJobInclude,
  prepareJob,
  prepareJobBatch,
  prepareJobs,
  prepareSchedule,
  prepareSchedulePreview,
  type SchedulePreview,
  scheduleInputSchema,
  schedulePreviewSchema,
  TENANT_PATTERN,
  upsertOptionsOf,
} from './schemas/index.js';
export type {
  ActivityMinute,
  ActivityQuery,
  ClaimRequest,
  DoctorCheck,
  DoctorFinding,
  DoctorOptions,
  DoctorReport,
  EnqueueResult,
  Fence,
  FireResult,
  HeartbeatEntry,
  JobInclude,
  JobPage,
  JobQuery,
  Leadership,
  LeaseState,
  ListedJob,
  NodeReport,
  NodeReportInput,
  NodeRole,
  PastAttempt,
  QueueDepth,
  RecoveryResult,
  RetentionPolicy,
  ScheduleFire,
  SchedulePage,
  ScheduleQuery,
  Settlement,
  Store,
  StoreSignal,
  UpsertScheduleOptions,
  UpsertScheduleResult,
} from './store/store.js';
export { ACTIVITY_MINUTES, PAST_ATTEMPTS_KEPT } from './store/store.js';
export { activityFrame } from './store/support/activity.js';
export { checkDuration, notFound } from './store/support/arguments.js';
export type { ResourceLimits } from './store/support/gates.js';
export { JOB_INCLUDE_FIELDS } from './store/support/job-query.js';
export { refill, type TenantLimits } from './store/support/limits.js';
export type { SharingOptions } from './store/support/sharing.js';
export {
  describeTrigger,
  type FirePlan,
  isPaced,
  nextFireAfter,
  nextFireOnUpsert,
  nextFireTimes,
  normalizeTrigger,
  type PlanOptions,
  planFires,
} from './time/index.js';
export { definedOnly } from './util/defined-only.js';
export { Emitter, type Listener } from './util/emitter.js';
