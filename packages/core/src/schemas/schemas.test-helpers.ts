/**
 * Helpers shared by the schema tests. The name ends in `.test-helpers.ts`, which the build
 * excludes (tsconfig.json), so this file never reaches dist; the check config still types it.
 */
import { expect } from 'vitest';
import { CadenzaError, type ErrorCode } from '../errors.js';

/** The `now` that the tests prepare jobs and schedules at. */
export const NOW = Date.UTC(2026, 0, 1);

/** The smallest valid schedule input: an `every` minute trigger. */
export const every = { name: 'tick', every: 60_000 };

/** Asserts a CadenzaError naming `field` (message `field: got …, expected …`) and the expectation. */
export function expectRefusal(
  fn: () => unknown,
  field: string | undefined,
  expected: string,
  code: ErrorCode = 'invalid_argument',
): CadenzaError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CadenzaError);
  const error = thrown as CadenzaError;
  expect({ code: error.code, field: error.field }).toEqual({ code, field });
  if (field !== undefined) expect(error.message.startsWith(`${field}: `)).toBe(true);
  expect(error.message).toContain(expected);
  return error;
}
