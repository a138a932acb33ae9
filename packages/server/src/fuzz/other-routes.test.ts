/**
 * Fuzzing of the routes that take no body (health, metrics, the OpenAPI document, the
 * cluster), and of requests no route takes: any method, any path, any query. The checks of
 * check.test-helpers.ts hold for them all; none of these requests may write. 2,000 cases per
 * property; run more with `CADENZA_FUZZ_RUNS=100000 npx vitest run src/fuzz` from
 * packages/server, or `pnpm fuzz` at the root.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectAnswered, fuzzServer, headersOf, injectChecked } from './check.test-helpers.js';
import { anyString, bodyText, contentType, isHeaderValue, queryString, safeEncode } from './inputs.test-helpers.js';
import { fuzzParameters, fuzzTimeout } from './runs.test-helpers.js';
import { seed } from './seed.test-helpers.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
const KNOWN_PATHS = [
  '/healthz',
  '/readyz',
  '/metrics',
  '/openapi.json',
  '/v1/cluster',
  '/v1/activity',
  '/v1/schedules/preview',
  '/v1',
  '/v1/',
  '/',
  '/v1/jobs/',
];

describe('fuzzing the other routes', () => {
  it('GET /healthz, /readyz, /metrics, /openapi.json, /v1/cluster and /v1/activity: any query and metrics token', {
    timeout: fuzzTimeout(),
  }, async () => {
    const server = fuzzServer({ metricsToken: 'scrape-secret' });
    await seed(server);
    const authorization = fc.option(fc.oneof(fc.constant('Bearer scrape-secret'), anyString.filter(isHeaderValue)), {
      nil: undefined,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/healthz', '/readyz', '/metrics', '/openapi.json', '/v1/cluster', '/v1/activity'),
        queryString(['tenant', 'limit', 'minutes']),
        authorization,
        async (path, query, auth) => {
          await injectChecked(server, { method: 'GET', url: `${path}${query}`, headers: headersOf(undefined, auth) });
        },
      ),
      fuzzParameters(),
    );
    expectAnswered(server, [200, 401]);
  });

  it('any method on any path, with any body', { timeout: fuzzTimeout() }, async () => {
    const server = fuzzServer();
    await seed(server);
    const path = fc.oneof(
      fc.constantFrom(...KNOWN_PATHS),
      fc.array(anyString.map(safeEncode), { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
      fc.array(anyString.map(safeEncode), { maxLength: 3 }).map((parts) => `/v1/${parts.join('/')}`),
      fc.constantFrom('/v1/jobs/%', '//v1//jobs', '/v1/jobs/../healthz', '/V1/JOBS', '/v1/jobs;a=b', '/%2e%2e/'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...METHODS),
        path,
        queryString(['tenant']),
        contentType,
        bodyText(fc.jsonValue()),
        async (method, url, query, type, { payload }) => {
          const withBody = method !== 'GET' && method !== 'HEAD';
          await injectChecked(server, {
            method,
            url: `${url}${query}`,
            headers: headersOf(withBody ? type : undefined),
            ...(withBody ? { payload } : {}),
          });
        },
      ),
      fuzzParameters(),
    );
    expectAnswered(server, [200, 400, 404]);
  });
});
