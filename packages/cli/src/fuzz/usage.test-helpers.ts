import { expect } from 'vitest';
import { UsageError } from '../errors.js';

/**
 * Runs `parse` and asserts what a flag parser may do: return settings, or throw a
 * UsageError (exit 2, one line `cadenza: …`); any other exception would be an exit 1 with
 * a raw message, a crash as the user sees it.
 */
export function expectSettingsOrUsageError(parse: () => unknown): void {
  let thrown: unknown;
  try {
    parse();
    return;
  } catch (error) {
    thrown = error;
  }
  expect(thrown, String(thrown instanceof Error ? thrown.stack : thrown)).toBeInstanceOf(UsageError);
  expect((thrown as UsageError).exitCode).toBe(2);
  expect((thrown as UsageError).message.length).toBeGreaterThan(0);
}
