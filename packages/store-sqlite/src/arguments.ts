import { CadenzaError, invalidArgument, MAX_PRIORITY, MIN_PRIORITY, type NewJob } from '@cadenza/core';

/**
 * Checks of the plain arguments the store takes besides validated jobs and schedules
 * (the same as the memory store's): they catch an engine bug (a NaN `now`, a negative
 * limit) before it reaches a row.
 */
export function checkInstant(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidArgument(field, value, 'epoch milliseconds (a finite number)');
  }
  return value;
}

/** A whole number from `min` up (a limit, a count). */
export function checkCount(field: string, value: unknown, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidArgument(field, value, `a whole number, at least ${min}`);
  }
  return value;
}

/** A duration in ms: positive and finite. */
export function checkDuration(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidArgument(field, value, 'a positive number of milliseconds');
  }
  return value;
}

export function checkText(field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw invalidArgument(field, value, 'a non-empty string');
  return value;
}

export function notFound(what: string): CadenzaError {
  return new CadenzaError('not_found', `${what} was not found`);
}

/** Field path prefix for the job at `index` of a batch: none for a batch of one. */
export function batchPrefix(length: number, index: number): string {
  return length === 1 ? '' : `jobs.${index}.`;
}

/** The shape checks a store needs before a job becomes a row (core's schemas checked the rest). */
export function checkNewJob(job: NewJob, prefix: string): void {
  if (typeof job !== 'object' || job === null) throw invalidArgument(prefix.slice(0, -1) || 'job', job, 'a job');
  if (typeof job.id !== 'string' || job.id === '') throw invalidArgument(`${prefix}id`, job.id, 'a job id');
  if (typeof job.tenant !== 'string' || job.tenant === '') {
    throw invalidArgument(`${prefix}tenant`, job.tenant, 'a tenant name');
  }
  if (!Number.isInteger(job.priority) || job.priority < MIN_PRIORITY || job.priority > MAX_PRIORITY) {
    throw invalidArgument(`${prefix}priority`, job.priority, `a whole number from ${MIN_PRIORITY} to ${MAX_PRIORITY}`);
  }
  if (!Array.isArray(job.dependsOn) || !job.dependsOn.every((id) => typeof id === 'string')) {
    throw invalidArgument(`${prefix}dependsOn`, job.dependsOn, 'an array of job ids');
  }
  if (job.runAt !== undefined && !Number.isFinite(job.runAt)) {
    throw invalidArgument(`${prefix}runAt`, job.runAt, 'epoch milliseconds or nothing');
  }
  if (job.scheduledFor !== undefined && !Number.isFinite(job.scheduledFor)) {
    throw invalidArgument(`${prefix}scheduledFor`, job.scheduledFor, 'epoch milliseconds or nothing');
  }
}

/** Cursors are opaque to callers: base64url JSON of the last returned item's sort key. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Decodes a cursor whose key has the given shape (`s` string, `n` number per element). */
export function decodeCursor(cursor: unknown, shape: string): (string | number)[] {
  const bad = () => invalidArgument('cursor', cursor, 'a nextCursor value returned by the previous page');
  if (typeof cursor !== 'string' || cursor === '') throw bad();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(key) || key.length !== shape.length) throw bad();
  const parts = key as unknown[];
  const ok = parts.every((part, i) =>
    shape[i] === 'n' ? typeof part === 'number' && Number.isFinite(part) : typeof part === 'string',
  );
  if (!ok) throw bad();
  return parts as (string | number)[];
}
