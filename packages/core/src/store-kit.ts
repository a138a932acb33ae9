// @cadenza/core/store-kit: for people writing a Store (the stores in packages/store-*, and yours).
// The store-independent pieces every store shares, so that stores refuse the same arguments with the
// same errors, build the same rows and deliver signals alike; plus the synchronous memory store and its
// state snapshot, for a store that keeps core's memory state somewhere durable.
//
// The rule for what lives here: a name whose only users are store implementations (and the CLI, where
// it passes its flags on to a store). Whatever user code, the engine, worker, coordinator, client or
// server needs stays in @cadenza/core, the Store interface and the types it speaks included, and no
// name is exported from both entries. The Store interface is the contract; these helpers only meet
// it, so they may change in any minor release (a store outside this repository pins core's minor).
export type { RandomSource } from './memory/state.js';
export { MEMORY_STATE_FORMAT, type MemoryStateSnapshot } from './memory/state-snapshot.js';
export { type Synchronous, SyncMemoryStore } from './memory/sync-memory-store.js';
export { newJobId, newLeaseToken } from './model/ids.js';
export {
  type ActivityField,
  type CheckedActivityQuery,
  checkActivityQuery,
  MINUTE_MS,
  minuteOf,
} from './store/support/activity.js';
export { checkCount, checkInstant, checkText } from './store/support/arguments.js';
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
  resourceGate,
} from './store/support/gates.js';
export {
  type CheckedJobQuery,
  checkJobQuery,
  type ListPosition,
  listCursor,
  listedJob,
  newestFirst,
} from './store/support/job-query.js';
export { leaseExpiryError } from './store/support/lease-expiry.js';
export { type CheckedClaim, checkClaimRequest, checkHeartbeats, leaseStateOf } from './store/support/leases.js';
export { type CheckedLimits, tenantLimitsOf } from './store/support/limits.js';
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
export { sharingOptionsOf } from './store/support/sharing.js';
export { StoreSignals } from './store/support/signals.js';
export { tenantWeightsOf } from './store/support/weights.js';
