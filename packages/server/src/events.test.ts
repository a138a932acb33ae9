import { createMemoryStore, MemoryEventLog, withEvents } from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { body, testServer } from './server.test-helpers.js';
import { openEvents } from './sse.test-helpers.js';

/** Opens `GET path` on a listening server and collects `count` event payloads. */
async function collect(base: string, path: string, count: number): Promise<Record<string, unknown>[]> {
  const stream = await openEvents(base, path);
  await stream.reached(count);
  stream.close();
  return stream.events.slice(0, count);
}

describe('GET /v1/events', () => {
  it('streams a tenant’s events, resuming after Last-Event-ID', async () => {
    const events = new MemoryEventLog();
    const { app } = testServer({ store: withEvents(createMemoryStore(), events), events });
    for (const tenant of ['acme', 'beta', 'acme', 'acme']) {
      const response = await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'n', tenant } });
      expect(response.statusCode).toBe(201);
    }
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const acme = await collect(base, '/v1/events?after=0&tenant=acme', 3);
    expect(acme.map((e) => [e.type, e.tenant])).toEqual([
      ['enqueued', 'acme'],
      ['enqueued', 'acme'],
      ['enqueued', 'acme'],
    ]);
    // A reconnecting EventSource sends the last id it saw: only what came after it.
    const stop = new AbortController();
    const resumed = await fetch(`${base}/v1/events?tenant=acme`, {
      headers: { 'last-event-id': String(acme[1]?.id) },
      signal: stop.signal,
    });
    const reader = resumed.body?.getReader();
    let seen = '';
    while (!seen.includes('\n\ndata') && !/data: .*\n\n/.test(seen)) {
      const { value, done } = (await reader?.read()) ?? { done: true, value: undefined };
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    stop.abort();
    expect(seen).toContain(`id: ${acme[2]?.id}\nevent: enqueued\n`);
    expect(seen).not.toContain(`id: ${acme[1]?.id}\n`);
    // fetch (undici) may open a spare connection that never carries a request; closing
    // the server would wait for undici to drop it (4 s).
    app.server.closeAllConnections();
  });

  it('refuses a bad id or tenant, naming the field', async () => {
    const events = new MemoryEventLog();
    const { app } = testServer({ events });
    const badAfter = await app.inject({ method: 'GET', url: '/v1/events?after=yesterday' });
    expect(badAfter.statusCode).toBe(400);
    expect(body(badAfter).error).toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/^after: /),
    });
    const badTenant = await app.inject({ method: 'GET', url: '/v1/events?tenant=Not%20A%20Tenant' });
    expect(badTenant.statusCode).toBe(400);
    expect(body(badTenant).error).toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/^tenant: /),
    });
  });
});
