/**
 * Regression tests for what the fuzzers found: each names the input and the answer it got
 * before its fix.
 */
import { describe, expect, it } from 'vitest';
import { errorOf } from '../server.test-helpers.js';
import { fuzzServer, injectChecked } from './check.test-helpers.js';
import { seed } from './seed.test-helpers.js';

const DEEP_ARRAYS = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;

describe('a body of 10,000 nested arrays', () => {
  // It answered 500 internal: describing the refused value for the error message overflowed
  // the stack (core's describeValue).
  for (const [method, url] of [
    ['POST', '/v1/jobs'],
    ['POST', '/v1/jobs/batch'],
    ['PUT', '/v1/schedules/digest'],
  ] as const) {
    it(`is refused by ${method} ${url} with 400 invalid_argument, writing nothing`, async () => {
      const server = fuzzServer();
      await seed(server);
      const response = await injectChecked(server, {
        method,
        url,
        headers: { 'content-type': 'application/json' },
        payload: DEEP_ARRAYS,
      });
      expect(response.statusCode).toBe(400);
      expect(errorOf(response).code).toBe('invalid_argument');
      expect(errorOf(response).message).toContain('nested too deeply');
    });
  }
});
