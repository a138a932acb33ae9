/**
 * Fuzzing of every /v1 route on a server with API tokens: any Authorization header (none,
 * malformed, unknown, or a real token of narrower tenants and scopes) on any route with any
 * body. Beyond the checks of check.test-helpers.ts: a request without one of the server's
 * tokens is always 401 (unless its path cannot be routed at all), and a read-only token never changes the store. 2,000 cases; run more
 * with `CADENZA_FUZZ_RUNS=100000 npx vitest run src/fuzz` from packages/server, or
 * `pnpm fuzz` at the root.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashToken, TokenTable } from '../auth/tokens.js';
import { errorOf } from '../server.test-helpers.js';
import { expectAnswered, fuzzServer, headersOf, injectChecked } from './check.test-helpers.js';
import { anyString, bodyText, contentType, idSegment, isHeaderValue, queryString } from './inputs.test-helpers.js';
import { batchBody, jobBody } from './job-inputs.test-helpers.js';
import { fuzzParameters, fuzzTimeout } from './runs.test-helpers.js';
import { seed } from './seed.test-helpers.js';

const ADMIN = 'cz_admin-token';
const ACME_WRITER = 'cz_acme-writer';
const ACME_READER = 'cz_acme-reader';

const table = new TokenTable([
  { name: 'admin', sha256: hashToken(ADMIN), tenants: '*', scopes: ['read', 'write', 'admin'] },
  { name: 'acme-writer', sha256: hashToken(ACME_WRITER), tenants: ['acme'], scopes: ['read', 'write'] },
  { name: 'acme-reader', sha256: hashToken(ACME_READER), tenants: ['acme', 'beta'], scopes: ['read'] },
]);
const TOKENS = [ADMIN, ACME_WRITER, ACME_READER];

const authorization = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TOKENS).map((token) => `Bearer ${token}`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      `bearer ${ADMIN}`,
      `Bearer  ${ADMIN}  `,
      `Bearer ${ADMIN} extra`,
      `Bearer ${ADMIN.toUpperCase()}`,
      `Basic ${Buffer.from(`x:${ADMIN}`).toString('base64')}`,
      'Bearer',
      'Bearer ',
      '',
      `Bearer ${ADMIN}\u00a0`,
      `Bearer ${hashToken(ADMIN)}`,
      `Token ${ADMIN}`,
    ),
  },
  { weight: 2, arbitrary: anyString.filter(isHeaderValue).map((text) => `Bearer ${text}`) },
  { weight: 1, arbitrary: anyString.filter(isHeaderValue) },
);

interface Route {
  method: string;
  path: string;
  body?: fc.Arbitrary<unknown>;
}

/** The token a header carries, as the server reads it, when it is one of the table's. */
function tokenOf(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
  return match?.[1] !== undefined && TOKENS.includes(match[1]) ? match[1] : undefined;
}

describe('fuzzing /v1 with API tokens', () => {
  it('any route, any Authorization header, any body', { timeout: fuzzTimeout() }, async () => {
    const server = fuzzServer({ tokens: () => table });
    const { jobIds, scheduleIds } = await seed(server, `Bearer ${ADMIN}`);
    const jobId = idSegment(() => jobIds);
    const scheduleId = idSegment(() => scheduleIds);
    const route: fc.Arbitrary<Route> = fc.oneof(
      fc.constant({ method: 'POST', path: '/v1/jobs', body: jobBody as fc.Arbitrary<unknown> }),
      fc.constant({ method: 'POST', path: '/v1/jobs/batch', body: batchBody }),
      fc.constant({ method: 'GET', path: '/v1/jobs' }),
      fc.constant({ method: 'GET', path: '/v1/schedules' }),
      fc.constant({ method: 'GET', path: '/v1/cluster' }),
      fc.constant({ method: 'GET', path: '/v1/activity' }),
      fc.constant({
        method: 'POST',
        path: '/v1/schedules/preview',
        body: fc.constantFrom({ cron: '0 8 * * MON-FRI', tz: 'Europe/Berlin' }, { every: 60_000, count: 3 }),
      }),
      jobId.chain((id) =>
        fc.constantFrom(
          { method: 'GET', path: `/v1/jobs/${id}` },
          { method: 'DELETE', path: `/v1/jobs/${id}` },
          { method: 'POST', path: `/v1/jobs/${id}/retry` },
        ),
      ),
      scheduleId.chain((id) =>
        fc.constantFrom(
          { method: 'PUT', path: `/v1/schedules/${id}`, body: fc.constant({ name: 'report', every: 60_000 }) },
          { method: 'GET', path: `/v1/schedules/${id}` },
          { method: 'DELETE', path: `/v1/schedules/${id}` },
          { method: 'POST', path: `/v1/schedules/${id}/trigger` },
          { method: 'POST', path: `/v1/schedules/${id}/pause` },
          { method: 'POST', path: `/v1/schedules/${id}/resume` },
        ),
      ),
    );
    const request = route.chain((r) =>
      fc.record({
        method: fc.constant(r.method as 'GET' | 'POST' | 'PUT' | 'DELETE'),
        path: fc.constant(r.path),
        body: r.body === undefined ? fc.constant(undefined) : bodyText(r.body),
        query: fc.oneof(
          fc.constantFrom('', '?tenant=acme', '?tenant=beta', '?tenant=default'),
          queryString(['tenant']),
        ),
        type: contentType,
        authorization: fc.option(authorization, { nil: undefined }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, body, query, type, authorization }) => {
        const before = JSON.stringify(server.store.exportState());
        const response = await injectChecked(server, {
          method,
          url: `${path}${query}`,
          headers: headersOf(body === undefined ? undefined : type, authorization),
          ...(body === undefined ? {} : { payload: body.payload }),
        });
        const token = tokenOf(authorization);
        // Only a path fastify cannot route (bad percent-encoding, an over-long id) is refused
        // before the token is looked at: 400, which tells nothing and writes nothing.
        const unroutable = response.statusCode === 400 && /^(path|id): /.test(errorOf(response).message);
        if (token === undefined && !unroutable) expect(response.statusCode, response.body).toBe(401);
        if (token === ACME_READER) expect(JSON.stringify(server.store.exportState())).toBe(before);
      }),
      fuzzParameters(),
    );
    expectAnswered(server, [200, 201, 400, 401, 403, 404]);
  });
});
