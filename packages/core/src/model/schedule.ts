import type { BackoffPolicy } from './job.js';

/** When a schedule fires. `tz` is an IANA zone; `every` ignores zones. */
export type Trigger =
  | { cron: string; tz?: string }
  | { every: number; startAt?: string | Date }
  | { at: string | Date }
  | { manual: true };

export type MisfirePolicy = 'skip' | 'once' | 'all';

export const DEFAULT_MISFIRE: MisfirePolicy = 'once';
export const DEFAULT_MAX_CATCH_UP = 100;
export const DEFAULT_MISFIRE_GRACE_MS = 60_000;

/** The body of `PUT /v1/schedules/:id`, before validation. */
export interface ScheduleInput {
  /** The job name (handler) each fire creates. */
  name: string;
  tenant?: string;
  cron?: string;
  tz?: string;
  every?: number;
  startAt?: string | Date;
  at?: string | Date;
  manual?: boolean;
  payload?: unknown;
  priority?: number;
  tags?: string[];
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  timeoutMs?: number;
  resources?: Record<string, number>;
  misfire?: MisfirePolicy;
  maxCatchUp?: number;
  misfireGraceMs?: number;
  paused?: boolean;
}

/** What each fire's job looks like. */
export interface JobTemplate {
  name: string;
  payload: unknown;
  priority: number;
  tags: string[];
  maxAttempts: number;
  backoff: BackoffPolicy | undefined;
  timeoutMs: number | undefined;
  /** Absent when the jobs declare no resources. */
  resources?: Record<string, number>;
}

/** A validated schedule definition (what `upsertSchedule` stores). */
export interface ScheduleDefinition {
  id: string;
  tenant: string;
  trigger: NormalizedTrigger;
  job: JobTemplate;
  misfire: MisfirePolicy;
  maxCatchUp: number;
  misfireGraceMs: number;
  paused: boolean;
}

/** Triggers with instants as epoch ms and the zone filled in. */
export type NormalizedTrigger =
  | { kind: 'cron'; cron: string; tz: string }
  | { kind: 'every'; every: number; startAt: number | undefined }
  | { kind: 'at'; at: number }
  | { kind: 'manual' };

/** A schedule as stored and reported. */
export interface Schedule extends ScheduleDefinition {
  runCount: number;
  lastFireAt: number | undefined;
  /**
   * The job its latest fire created (by a trigger, or by hand with `triggerSchedule`), where
   * the store keeps it; absent before the first fire, and on stores that do not.
   */
  lastJobId?: string;
  /** The next instant this schedule fires; undefined when it never fires again (or manual). */
  nextFireAt: number | undefined;
  createdAt: number;
  updatedAt: number;
}
