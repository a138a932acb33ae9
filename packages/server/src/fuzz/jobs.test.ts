/**
 * Fuzzing of the `/v1/jobs` routes: bodies, queries and ids, arbitrary and hostile. Every
 * answer must be below 500, every refusal a catalogue error, and a refused request must leave
 * the store as it was (check.test-helpers.ts). 2,000 cases per route; run more with
 * `CADENZA_FUZZ_RUNS=100000 npx vitest run src/fuzz` from packages/server, or `pnpm fuzz`
 * at the root.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectAnswered, fuzzServer, headersOf, injectChecked } from './check.test-helpers.js';
import { bodyText, contentType, idSegment, queryString } from './inputs.test-helpers.js';
import { batchBody, jobBody } from './job-inputs.test-helpers.js';
import { fuzzParameters, fuzzTimeout } from './runs.test-helpers.js';
import { seed } from './seed.test-helpers.js';

const LIST_KEYS = ['tenant', 'status', 'name', 'tag', 'limit', 'cursor', 'include'];

describe('fuzzing /v1/jobs', () => {
  it('POST /v1/jobs: any body, content type and query', { timeout: fuzzTimeout() }, async () => {
    const server = fuzzServer();
    await seed(server);
    await fc.assert(
      fc.asyncProperty(bodyText(jobBody), contentType, queryString([]), async ({ payload }, type, query) => {
        await injectChecked(server, { method: 'POST', url: `/v1/jobs${query}`, headers: headersOf(type), payload });
      }),
      fuzzParameters(),
    );
    expectAnswered(server, [201, 200, 400]);
  });

  it('POST /v1/jobs/batch: any body, content type and query', { timeout: fuzzTimeout() }, async () => {
    const server = fuzzServer();
    await seed(server);
    await fc.assert(
      fc.asyncProperty(bodyText(batchBody), contentType, queryString([]), async ({ payload }, type, query) => {
        await injectChecked(server, {
          method: 'POST',
          url: `/v1/jobs/batch${query}`,
          headers: headersOf(type),
          payload,
        });
      }),
      fuzzParameters(),
    );
    expectAnswered(server, [201, 400]);
  });

  it('GET /v1/jobs: any query, repeated and unknown parameters included', { timeout: fuzzTimeout() }, async () => {
    const server = fuzzServer();
    await seed(server);
    await fc.assert(
      fc.asyncProperty(queryString(LIST_KEYS), async (query) => {
        await injectChecked(server, { method: 'GET', url: `/v1/jobs${query}` });
      }),
      fuzzParameters(),
    );
    expectAnswered(server, [200, 400]);
  });

  it('GET, DELETE /v1/jobs/:id and POST /v1/jobs/:id/retry: any id, query and body', {
    timeout: fuzzTimeout(),
  }, async () => {
    const server = fuzzServer();
    const { jobIds } = await seed(server);
    const request = fc.record({
      route: fc.constantFrom(['GET', ''], ['DELETE', ''], ['POST', '/retry']),
      id: idSegment(() => jobIds),
      query: queryString([]),
      type: contentType,
      body: bodyText(fc.constantFrom({}, null, { force: true })),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ route: [method, tail], id, query, type, body: { payload } }) => {
        const withBody = method === 'POST';
        await injectChecked(server, {
          method: method as 'GET' | 'DELETE' | 'POST',
          url: `/v1/jobs/${id}${tail}${query}`,
          headers: headersOf(withBody ? type : undefined),
          ...(withBody ? { payload } : {}),
        });
      }),
      fuzzParameters(),
    );
    expectAnswered(server, [200, 400, 404, 409]);
  });
});
