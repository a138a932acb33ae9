// What an attempt's outcome is — a value, before anything is written — and the settlement it
// makes: the outcome types, abort reasons, and how a thrown value or a result is stored.
// Writing outcomes (the store call, hooks, events) is outcome-writer.ts.
import {
  type BackoffPolicy,
  backoffDelay,
  describeValue,
  type Job,
  type JobError,
  type Settlement,
} from '@cadenza/core';

/** Why an attempt's signal aborted; `ctx.signal.reason` is a `JobAbortError`. */
export type AbortKind = 'timeout' | 'canceled' | 'lost' | 'shutdown';

export class JobAbortError extends Error {
  override readonly name = 'JobAbortError';
  constructor(
    readonly kind: AbortKind,
    message: string,
  ) {
    super(message);
  }
}

/** How an attempt ended, before it is written. */
export type AttemptOutcome =
  | { kind: 'succeeded'; result: unknown }
  | { kind: 'failed'; error: JobError }
  | { kind: 'released' }
  | { kind: 'dropped'; reason: 'canceled' | 'lost' };

const MAX_MESSAGE = 2000;

/** A thrown value as a job error: its string `code` if it has one, else `handler_error`. */
export function errorFrom(thrown: unknown): JobError {
  const fields = typeof thrown === 'object' && thrown !== null ? (thrown as { code?: unknown; message?: unknown }) : {};
  const code = typeof fields.code === 'string' && fields.code.length > 0 ? fields.code : 'handler_error';
  let message: string;
  if (typeof fields.message === 'string') message = fields.message;
  else if (typeof thrown === 'string') message = thrown;
  else message = `handler threw ${describeValue(thrown)}`;
  if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE - 3)}...`;
  return { code, message };
}

/**
 * What is stored as the job's result: a JSON copy of the value, or `undefined` when it
 * is not JSON-serialisable (a cycle, a BigInt, a function) — the attempt still succeeds.
 */
export function jsonResult(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

export function outcomeOfAbort(reason: unknown): AttemptOutcome {
  if (!(reason instanceof JobAbortError)) return { kind: 'released' };
  switch (reason.kind) {
    case 'timeout':
      return { kind: 'failed', error: { code: 'timeout', message: reason.message } };
    case 'canceled':
    case 'lost':
      return { kind: 'dropped', reason: reason.kind };
    case 'shutdown':
      return { kind: 'released' };
  }
}

const NO_BACKOFF: BackoffPolicy = { type: 'fixed', delayMs: 0 };

/** The settlement for an outcome, with `retryAt` when the job has attempts left. */
export function settlementFor(
  job: Job & { lease: { token: string } },
  outcome: Exclude<AttemptOutcome, { kind: 'dropped' }>,
  now: number,
  random: () => number,
): Settlement {
  // Object literals rather than spreads of a shared base: one is made per job.
  const jobId = job.id;
  const token = job.lease.token;
  switch (outcome.kind) {
    case 'succeeded':
      return { jobId, token, outcome: 'succeeded', result: jsonResult(outcome.result) };
    case 'released':
      return { jobId, token, outcome: 'released' };
    case 'failed': {
      if (job.attempt < job.maxAttempts) {
        const retryAt = now + backoffDelay(job.backoff ?? NO_BACKOFF, job.attempt, random);
        return { jobId, token, outcome: 'failed', error: outcome.error, retryAt };
      }
      return { jobId, token, outcome: 'failed', error: outcome.error };
    }
  }
}
