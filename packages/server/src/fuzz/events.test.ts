/**
 * Fuzzing of `GET /v1/events` over a real socket (a stream that is accepted never ends, so
 * it cannot go through inject()): any query and any `Last-Event-ID`. A 200 stream is closed
 * as soon as its head arrives; a refusal must be a catalogue error; nothing is written.
 * 2,000 cases; run more with `CADENZA_FUZZ_RUNS=100000 npx vitest run src/fuzz` from
 * packages/server, or `pnpm fuzz` at the root.
 */
import { HTTP_STATUS, MemoryEventLog, realClock } from '@cadenza/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzServer } from './check.test-helpers.js';
import { anyString, isHeaderValue, queryString } from './inputs.test-helpers.js';
import { FUZZ_RUNS, fuzzParameters, fuzzTimeout } from './runs.test-helpers.js';
import { seed } from './seed.test-helpers.js';

describe('fuzzing GET /v1/events', () => {
  it('any query and Last-Event-ID', { timeout: fuzzTimeout() }, async () => {
    const events = new MemoryEventLog();
    // The real clock: the stream's head waits on the event log's reader, which a fake clock would stall.
    const server = fuzzServer({ events, clock: realClock });
    await seed(server);
    const base = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const before = JSON.stringify(server.store.exportState());
    const lastEventId = fc.option(
      fc.oneof(
        fc.constantFrom('0', '1', '1-0', '99999999999999999999', '-1', '1.5', ''),
        anyString.filter(isHeaderValue),
      ),
      { nil: undefined },
    );
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(queryString(['after', 'tenant']), lastEventId, async (query, id) => {
        const stop = new AbortController();
        const response = await fetch(`${base}/v1/events${query}`, {
          signal: stop.signal,
          headers: id === undefined ? {} : { 'last-event-id': id },
        });
        statuses.add(response.status);
        const what = `GET /v1/events${query.slice(0, 200)} (Last-Event-ID ${JSON.stringify(id)}) → ${response.status}`;
        expect(response.status, what).toBeLessThan(500);
        if (response.status === 200) {
          expect(response.headers.get('content-type'), what).toMatch(/^text\/event-stream/);
          stop.abort();
          return;
        }
        // Node itself answers 431 (no body) to a request line and headers over its 16 KiB
        // limit, before the server sees the request.
        if (response.status === 431) {
          expect(query.length + (id?.length ?? 0), what).toBeGreaterThan(16 * 1024);
          return;
        }
        const body = (await response.json()) as { error?: { code?: string; message?: string } };
        const code = body.error?.code;
        expect(Object.keys(HTTP_STATUS), what).toContain(code);
        expect(HTTP_STATUS[code as keyof typeof HTTP_STATUS], what).toBe(response.status);
        expect(typeof body.error?.message, what).toBe('string');
      }),
      fuzzParameters(),
    );
    expect(JSON.stringify(server.store.exportState())).toBe(before);
    if (FUZZ_RUNS >= 1000) expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 400]));
  });
});
