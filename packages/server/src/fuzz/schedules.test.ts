/**
 * Fuzzing of the `/v1/schedules` routes: bodies, queries and ids, arbitrary and hostile, with
 * the checks of check.test-helpers.ts. 2,000 cases per route; run more with
 * `CADENZA_FUZZ_RUNS=100000 npx vitest run src/fuzz` from packages/server, or `pnpm fuzz`
 * at the root.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectAnswered, fuzzServer, headersOf, injectChecked } from './check.test-helpers.js';
import { anyNumber, anyString, bodyText, contentType, idSegment, queryString } from './inputs.test-helpers.js';
import { instant, jobFields, name, tenant } from './job-inputs.test-helpers.js';
import { fuzzParameters, fuzzTimeout } from './runs.test-helpers.js';
import { seed } from './seed.test-helpers.js';

/** A schedule the server accepts: one trigger of each kind. */
const validSchedule = fc.oneof(
  fc.record({
    name,
    cron: fc.constantFrom('* * * * *', '0 8 * * MON-FRI'),
    tz: fc.constantFrom('UTC', 'Europe/Berlin'),
  }),
  fc.record({ name, every: fc.integer({ min: 1000, max: 86_400_000 }) }),
  fc.record({ name, at: fc.constant('2026-06-01T00:00:00.000Z') }),
  fc.record({ name, manual: fc.constant(true), paused: fc.boolean() }),
);

const scheduleBody = fc.oneof(
  { weight: 1, arbitrary: validSchedule },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.record(
          {
            cron: fc.oneof(fc.constantFrom('* * * * *', '61 * * * *', '@hourly', '0 0 31 2 *'), anyString),
            tz: fc.oneof(fc.constantFrom('UTC', 'Europe/Berlin', 'Mars/Olympus', 'Etc/GMT+14'), anyString),
            every: anyNumber,
            startAt: instant,
            at: instant,
            manual: fc.oneof(fc.boolean(), anyString),
            misfire: fc.oneof(fc.constantFrom('skip', 'once', 'all'), anyString),
            maxCatchUp: anyNumber,
            misfireGraceMs: anyNumber,
            paused: fc.oneof(fc.boolean(), anyNumber),
            tenant,
          },
          { requiredKeys: [] },
        ),
        fc.record(jobFields, { requiredKeys: [] }),
      )
      .map(([trigger, job]) => ({ ...job, ...trigger })),
  },
);

describe('fuzzing /v1/schedules', () => {
  it('PUT /v1/schedules/:id: any id, body, content type and query', { timeout: fuzzTimeout() }, async () => {
    // Few schedules a tenant, so that the store stays small (creating more is a refusal, 429,
    // which must write nothing either).
    const server = fuzzServer({ limits: { maxSchedulesPerTenant: 20 } });
    const { scheduleIds } = await seed(server);
    await fc.assert(
      fc.asyncProperty(
        idSegment(() => scheduleIds),
        bodyText(scheduleBody),
        contentType,
        queryString(['tenant']),
        async (id, { payload }, type, query) => {
          await injectChecked(server, {
            method: 'PUT',
            url: `/v1/schedules/${id}${query}`,
            headers: headersOf(type),
            payload,
          });
        },
      ),
      fuzzParameters(),
    );
    expectAnswered(server, [200, 201, 400]);
  });

  it('POST /v1/schedules/preview: any body, content type and query', { timeout: fuzzTimeout() }, async () => {
    const server = fuzzServer();
    await seed(server);
    // The trigger fields of a schedule body, valid or not, with what to preview.
    const previewBody = scheduleBody.chain((schedule) =>
      fc
        .record(
          {
            after: fc.oneof(instant, fc.constant('2026-03-29T00:30:00Z')),
            count: fc.oneof(fc.integer({ min: 1, max: 50 }), anyNumber),
          },
          { requiredKeys: [] },
        )
        .map((extra) => {
          const { cron, tz, every, startAt, at, manual } = schedule as Record<string, unknown>;
          return { ...{ cron, tz, every, startAt, at, manual }, ...extra };
        }),
    );
    await fc.assert(
      fc.asyncProperty(
        bodyText(fc.oneof(previewBody, fc.jsonValue())),
        contentType,
        queryString(['tenant']),
        async ({ payload }, type, query) => {
          await injectChecked(server, {
            method: 'POST',
            url: `/v1/schedules/preview${query}`,
            headers: headersOf(type),
            payload,
          });
        },
      ),
      fuzzParameters(),
    );
    expectAnswered(server, [200, 400]);
  });

  it('GET /v1/schedules: any query', { timeout: fuzzTimeout() }, async () => {
    const server = fuzzServer();
    await seed(server);
    await fc.assert(
      fc.asyncProperty(queryString(['tenant', 'limit', 'cursor']), async (query) => {
        await injectChecked(server, { method: 'GET', url: `/v1/schedules${query}` });
      }),
      fuzzParameters(),
    );
    expectAnswered(server, [200, 400]);
  });

  it('GET, DELETE /v1/schedules/:id and POST trigger, pause, resume: any id, query and body', {
    timeout: fuzzTimeout(),
  }, async () => {
    const server = fuzzServer();
    const { scheduleIds } = await seed(server);
    const request = fc.record({
      route: fc.constantFrom(
        ['GET', ''],
        ['DELETE', ''],
        ['POST', '/trigger'],
        ['POST', '/pause'],
        ['POST', '/resume'],
      ),
      id: idSegment(() => scheduleIds),
      // The seeded schedules' tenants half the time, so that the routes' successes are fuzzed too.
      query: fc.oneof(fc.constantFrom('', '?tenant=default', '?tenant=acme', '?tenant=beta'), queryString(['tenant'])),
      type: contentType,
      body: bodyText(fc.constantFrom({}, null, { force: true })),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ route: [method, tail], id, query, type, body: { payload } }) => {
        const withBody = method === 'POST';
        const response = await injectChecked(server, {
          method: method as 'GET' | 'DELETE' | 'POST',
          url: `/v1/schedules/${id}${tail}${query}`,
          headers: headersOf(withBody ? type : undefined),
          ...(withBody ? { payload } : {}),
        });
        // A deleted schedule is put back, so that later cases still find schedules to act on.
        if (method === 'DELETE' && response.statusCode === 200) {
          const { id: deleted, tenant } = response.json();
          await server.app.inject({
            method: 'PUT',
            url: `/v1/schedules/${encodeURIComponent(deleted)}?tenant=${tenant}`,
            payload: { name: 'report', every: 3_600_000 },
          });
        }
      }),
      fuzzParameters(),
    );
    expectAnswered(server, [200, 201, 400, 404]);
  });
});
