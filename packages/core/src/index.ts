// The public surface of @cadenza/core: each export named, nothing re-exported wholesale.
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
export type { RandomSource } from './memory/state.js';
export { MEMORY_STATE_FORMAT, type MemoryStateSnapshot } from './memory/state-snapshot.js';
export { type Synchronous, SyncMemoryStore } from './memory/sync-memory-store.js';
export type { HandlerEntry, HandlerFn, HandlerSpec, HandlersMap, JobContext } from './model/handler.js';
export { newJobId, newLeaseToken, tenantOfJobId } from './model/ids.js';
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
// For store implementations: the store-independent pieces every store shares, so that
// stores refuse the same arguments with the same errors and deliver signals alike.
export {
  type ActivityField,
  activityFrame,
  type CheckedActivityQuery,
  checkActivityQuery,
  MINUTE_MS,
  minuteOf,
} from './store/support/activity.js';
export { checkCount, checkDuration, checkInstant, checkText, notFound } from './store/support/arguments.js';
export { checkCancelable, resetForRetry, retryVerdict } from './store/support/cancel-retry.js';
export { decodeCursor, encodeCursor } from './store/support/cursor.js';
export {
  type DependencyVerdict,
  dependencyError,
  setNewJobStatus,
  verdictOf,
} from './store/support/dependencies.js';
export { type ScheduleFireProblem, scheduleFireProblem } from './store/support/doctor-schedules.js';
export {
  fits,
  type Gate,
  type GateNeeds,
  type Gates,
  gatesOf,
  nameGate,
  type ResourceLimits,
  resourceGate,
} from './store/support/gates.js';
export {
  type CheckedJobQuery,
  checkJobQuery,
  JOB_INCLUDE_FIELDS,
  type ListPosition,
  listCursor,
  listedJob,
  newestFirst,
} from './store/support/job-query.js';
export { leaseExpiryError } from './store/support/lease-expiry.js';
export { type CheckedClaim, checkClaimRequest, checkHeartbeats, leaseStateOf } from './store/support/leases.js';
export { type CheckedLimits, refill, type TenantLimits, tenantLimitsOf } from './store/support/limits.js';
export { batchPrefix, checkNewJob } from './store/support/new-job.js';
export { newJobRow, resolveParentIds } from './store/support/new-row.js';
export { attemptEnded, lastAttemptOfFailed, lostLeaseError, withAttempt } from './store/support/past-attempts.js';
export { checkRetentionPolicy } from './store/support/retention.js';
export { checkFires, checkScheduleDefinition } from './store/support/schedule-calls.js';
export {
  countFire,
  countTrigger,
  fireApplies,
  scheduleFromDefinition,
  setPaused,
} from './store/support/schedule-changes.js';
export { checkScheduleRoom, scheduleLimitOf, tooManySchedules } from './store/support/schedule-count.js';
export { checkSettlements, type SettlementMove, settlementMove } from './store/support/settlements.js';
export { type SharingOptions, sharingOptionsOf } from './store/support/sharing.js';
export { StoreSignals } from './store/support/signals.js';
export { tenantWeightsOf } from './store/support/weights.js';
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
