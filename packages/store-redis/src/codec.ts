import type { NewJob } from '@cadenza/core';

/**
 * How a job's fields sit in its stream entry. Memory per waiting job is the budget that
 * matters (< 250 bytes with a 100-byte payload), so the entry holds only what varies:
 * tenant and priority are in the key, and options equal to their defaults are left out
 * (`o` is '' for the common job, one short JSON object otherwise).
 */
export interface JobOptions {
  tags?: string[];
  maxAttempts?: number;
  backoff?: NewJob['backoff'];
  timeoutMs?: number;
  idempotencyKey?: string;
  dependsOn?: string[];
  scheduleId?: string;
  scheduledFor?: number;
  resources?: Record<string, number>;
}

export function encodePayload(payload: unknown): string {
  return payload === undefined ? '' : JSON.stringify(payload);
}

export function decodePayload(raw: string): unknown {
  return raw === '' ? undefined : JSON.parse(raw);
}

export function encodeOptions(job: NewJob): string {
  const o: JobOptions = {};
  if (job.tags.length > 0) o.tags = job.tags;
  if (job.maxAttempts !== 1) o.maxAttempts = job.maxAttempts;
  if (job.backoff !== undefined) o.backoff = job.backoff;
  if (job.timeoutMs !== undefined) o.timeoutMs = job.timeoutMs;
  if (job.idempotencyKey !== undefined) o.idempotencyKey = job.idempotencyKey;
  if (job.dependsOn.length > 0) o.dependsOn = job.dependsOn;
  if (job.scheduleId !== undefined) o.scheduleId = job.scheduleId;
  if (job.scheduledFor !== undefined) o.scheduledFor = job.scheduledFor;
  // claim.lua looks for `"resources"` in this text to tell a job that may need gates.
  if (job.resources !== undefined && Object.keys(job.resources).length > 0) o.resources = job.resources;
  return Object.keys(o).length === 0 ? '' : JSON.stringify(o);
}

/** The NewJob fields stored in `o`, with defaults filled in. */
export function decodeOptions(raw: string): Omit<NewJob, 'id' | 'name' | 'tenant' | 'payload' | 'priority' | 'runAt'> {
  const o = raw === '' ? {} : (JSON.parse(raw) as JobOptions);
  return {
    tags: o.tags ?? [],
    maxAttempts: o.maxAttempts ?? 1,
    backoff: o.backoff,
    timeoutMs: o.timeoutMs,
    idempotencyKey: o.idempotencyKey,
    dependsOn: o.dependsOn ?? [],
    scheduleId: o.scheduleId,
    scheduledFor: o.scheduledFor,
    ...(o.resources === undefined ? {} : { resources: o.resources }),
  };
}
