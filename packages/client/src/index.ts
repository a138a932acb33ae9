// The public surface of @cadenza/client: each export named.

// What callers pass and get back, so that one import serves; defined (and documented) in core.
export {
  CadenzaError,
  type CadenzaEvent,
  type EnqueueResult,
  type ErrorCode,
  EVENT_TYPES,
  type EventType,
  type InputLimits,
  isCadenzaError,
  type Job,
  type JobError,
  type JobInput,
  type JobPage,
  type JobStatus,
  type Schedule,
  type ScheduleInput,
  type UpsertScheduleResult,
} from '@cadenza/core';
export {
  CadenzaClient,
  type CadenzaClientOptions,
  DEFAULT_LIST_LIMIT,
  type EventsOptions,
  type ListJobsQuery,
} from './client.js';
export { type ClientOptions, createClient } from './create-client.js';
export type { PollOptions, WaitOptions } from './job-waiter.js';
export { WaitTimeoutError } from './wait-timeout-error.js';
