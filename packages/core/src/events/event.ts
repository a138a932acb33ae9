import type { JobError, JobStatus } from '../model/job.js';

/**
 * What happened to a job or a schedule, as the event stream tells it (docs/operations.md "Events"):
 *   enqueued   a job was created (not for a repeated idempotency key)
 *   started    a worker leased it; `attempt` is the attempt now running
 *   progress   its handler reported progress
 *   succeeded  / failed  it ended so (failed: no attempts left, or a dependency failed)
 *   retried    an attempt failed and another comes (`reason`: backoff, lease_expired), or
 *              a failed job was retried by hand (`reason`: manual)
 *   released   a worker shutting down gave it back before it ran; the attempt is not spent
 *   canceled   it was canceled
 *   fired      a schedule fired and created it (`scheduleId`, `scheduledFor`)
 *   leader_changed  a coordinator took the lead (`nodeId`, `epoch`)
 */
export const EVENT_TYPES = [
  'enqueued',
  'started',
  'progress',
  'succeeded',
  'failed',
  'retried',
  'released',
  'canceled',
  'fired',
  'leader_changed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** An event before the log gives it an id. Times are epoch ms (the store call's `now`). */
export interface NewEvent {
  type: EventType;
  at: number;
  tenant?: string;
  jobId?: string;
  name?: string;
  attempt?: number;
  /** enqueued: the status the job was created in (waiting, delayed, blocked or failed). */
  status?: JobStatus;
  progress?: unknown;
  error?: JobError;
  /** retried: when the next attempt may start. */
  retryAt?: number;
  reason?: 'backoff' | 'lease_expired' | 'manual';
  scheduleId?: string;
  scheduledFor?: number;
  /** started: the worker; leader_changed: the coordinator. */
  nodeId?: string;
  epoch?: number;
}

/** An event as read back: its id orders it and resumes a subscription after it. */
export interface CadenzaEvent extends NewEvent {
  id: string;
}
