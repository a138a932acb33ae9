import {
  definedOnly,
  type JobInput,
  type JobStatus,
  NAME_PATTERN,
  type NewJob,
  prepareJob,
  prepareSchedule,
  type ScheduleDefinition,
  type ScheduleInput,
} from '@cadenza/core';
import { oneLine } from '../errors.js';
import { type CopyJob, UNFINISHED } from './copy-job.js';
import type { SourceSchedule } from './source.js';

// The lines of an export file (docs/operations.md, "Export and import"): one JSON object a
// line. The first says what the file is; then one line per schedule and per job, each with
// its `kind`; the last holds the counts, so that a file cut short is told from a whole one.
// Schedules and jobs are written in the shapes the API takes (instants as ISO-8601), so
// that core's own prepare functions validate them on the way back in.

export const FORMAT = 'cadenza-export';
export const FORMAT_VERSION = 1;

export interface HeaderLine {
  format: typeof FORMAT;
  version: number;
  /** What wrote the file: `cadenza <version>`. */
  writer: string;
  exportedAt: string;
}

export interface EndLine {
  kind: 'end';
  schedules: number;
  jobs: number;
}

export function headerLine(writer: string, now: number): HeaderLine {
  return { format: FORMAT, version: FORMAT_VERSION, writer, exportedAt: new Date(now).toISOString() };
}

/** A schedule as a line: its API body, its id and the next fire the target must keep. */
export function scheduleLine({ definition: d, nextFireAt }: SourceSchedule): Record<string, unknown> {
  const trigger = d.trigger;
  const triggerFields: Partial<ScheduleInput> =
    trigger.kind === 'cron'
      ? { cron: trigger.cron, tz: trigger.tz }
      : trigger.kind === 'every'
        ? { every: trigger.every, ...(trigger.startAt === undefined ? {} : { startAt: iso(trigger.startAt) }) }
        : trigger.kind === 'at'
          ? { at: iso(trigger.at) }
          : { manual: true };
  return {
    kind: 'schedule',
    id: d.id,
    tenant: d.tenant,
    name: d.job.name,
    ...triggerFields,
    payload: d.job.payload,
    priority: d.job.priority,
    tags: d.job.tags,
    maxAttempts: d.job.maxAttempts,
    ...definedOnly({ backoff: d.job.backoff, timeoutMs: d.job.timeoutMs, resources: d.job.resources }),
    misfire: d.misfire,
    maxCatchUp: d.maxCatchUp,
    misfireGraceMs: d.misfireGraceMs,
    paused: d.paused,
    nextFireAt: nextFireAt === undefined ? null : iso(nextFireAt),
  };
}

/** A job as a line: its id, the status it had (`was`), and what enqueue takes. */
export function jobLine({ job, was }: CopyJob): Record<string, unknown> {
  return {
    kind: 'job',
    id: job.id,
    was,
    name: job.name,
    tenant: job.tenant,
    payload: job.payload,
    priority: job.priority,
    tags: job.tags,
    maxAttempts: job.maxAttempts,
    ...definedOnly({ backoff: job.backoff, timeoutMs: job.timeoutMs, idempotencyKey: job.idempotencyKey }),
    dependsOn: job.dependsOn,
    ...(job.runAt === undefined ? {} : { runAt: iso(job.runAt) }),
    ...definedOnly({ scheduleId: job.scheduleId }),
    ...(job.scheduledFor === undefined ? {} : { scheduledFor: iso(job.scheduledFor) }),
    ...definedOnly({ resources: job.resources }),
  };
}

/** A line read back: a schedule, a job, or the end. */
export type ParsedLine =
  | { kind: 'schedule'; schedule: SourceSchedule }
  | { kind: 'job'; copy: CopyJob }
  | { kind: 'end'; end: EndLine };

/** A line that is not what it should be; `message` names the line and the field. */
export class LineError extends Error {
  override readonly name = 'LineError';
}

/** Checks the first line: an export of a version this cadenza reads. */
export function parseHeader(text: string, lineNo: number): HeaderLine {
  const value = parseJson(text, lineNo);
  if (value.format !== FORMAT) {
    throw new LineError(
      `line ${lineNo}: format: got ${show(value.format)}, expected "${FORMAT}" (a file written by cadenza export)`,
    );
  }
  if (value.version !== FORMAT_VERSION) {
    throw new LineError(`line ${lineNo}: version: got ${show(value.version)}, expected ${FORMAT_VERSION}`);
  }
  return value as unknown as HeaderLine;
}

/** Parses and validates a line after the first, with core's prepare functions. */
export function parseLine(text: string, lineNo: number, now: number): ParsedLine {
  const value = parseJson(text, lineNo);
  const { kind, ...rest } = value;
  try {
    if (kind === 'schedule') return { kind, schedule: parseSchedule(rest, lineNo) };
    if (kind === 'job') return { kind, copy: parseJob(rest, lineNo, now) };
    if (kind === 'end') return { kind, end: parseEnd(rest, lineNo) };
  } catch (error) {
    if (error instanceof LineError) throw error;
    throw new LineError(`line ${lineNo}: ${oneLine(error)}`);
  }
  throw new LineError(`line ${lineNo}: kind: got ${show(kind)}, expected "schedule", "job" or "end"`);
}

function parseSchedule(fields: Record<string, unknown>, lineNo: number): SourceSchedule {
  const { id, nextFireAt, ...input } = fields;
  const definition: ScheduleDefinition = prepareSchedule(String(id ?? ''), input);
  return { definition, nextFireAt: nextFireAt === null ? undefined : instant(nextFireAt, 'nextFireAt', lineNo) };
}

function parseJob(fields: Record<string, unknown>, lineNo: number, now: number): CopyJob {
  const { id, was, scheduleId, scheduledFor, runAt, ...input } = fields;
  if (typeof id !== 'string' || !NAME_PATTERN.test(id)) {
    throw new LineError(
      `line ${lineNo}: id: got ${show(id)}, expected a job id (letters, digits, ".", "_", ":" or "-")`,
    );
  }
  if (typeof was !== 'string' || !(UNFINISHED as readonly string[]).includes(was)) {
    throw new LineError(`line ${lineNo}: was: got ${show(was)}, expected one of ${UNFINISHED.join(', ')}`);
  }
  if (scheduleId !== undefined && (typeof scheduleId !== 'string' || !NAME_PATTERN.test(scheduleId))) {
    throw new LineError(`line ${lineNo}: scheduleId: got ${show(scheduleId)}, expected a schedule id`);
  }
  // runAt is checked here rather than by prepareJob, which takes a time gone by for "now".
  const at = runAt === undefined ? undefined : instant(runAt, 'runAt', lineNo);
  const prepared = prepareJob(input as unknown as JobInput, now);
  const job: NewJob = {
    ...prepared,
    id,
    runAt: at,
    scheduleId: scheduleId as string | undefined,
    scheduledFor: scheduledFor === undefined ? undefined : instant(scheduledFor, 'scheduledFor', lineNo),
  };
  return { job, was: was as JobStatus };
}

function parseEnd(fields: Record<string, unknown>, lineNo: number): EndLine {
  for (const key of ['schedules', 'jobs'] as const) {
    const n = fields[key];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw new LineError(`line ${lineNo}: ${key}: got ${show(n)}, expected a count`);
    }
  }
  return { kind: 'end', schedules: fields.schedules as number, jobs: fields.jobs as number };
}

function parseJson(text: string, lineNo: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new LineError(`line ${lineNo}: not JSON: ${oneLine(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LineError(`line ${lineNo}: got ${show(value)}, expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

function instant(value: unknown, field: string, lineNo: number): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms))
    throw new LineError(`line ${lineNo}: ${field}: got ${show(value)}, expected an ISO-8601 instant`);
  return ms;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
