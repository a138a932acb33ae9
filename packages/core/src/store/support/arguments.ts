import { CadenzaError, invalidArgument } from '../../errors.js';

/**
 * For store implementations: checks of the plain arguments a store takes besides validated
 * jobs and schedules. Callers are our own engine, so these catch bugs (a NaN `now`, a
 * negative limit) before they corrupt an index or reach a row, rather than users' input
 * (which core's schemas check). Shared so that every store refuses the same things with
 * the same error, as the conformance suite expects.
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

/** The error every store throws for a missing job or schedule. */
export function notFound(what: string): CadenzaError {
  return new CadenzaError('not_found', `${what} was not found`);
}
