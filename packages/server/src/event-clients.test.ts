import { MemoryEventLog, type NewEvent } from '@cadenza/core';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { testServer } from './server.test-helpers.js';
import { RawClient, requestHead } from './socket.test-helpers.js';
import { openEvents } from './sse.test-helpers.js';

const clients: RawClient[] = [];
afterEach(() => {
  // Before the server closes: closing waits for open connections.
  for (const client of clients.splice(0)) client.destroy();
});

/** The value of an unlabelled metric, as `/metrics` shows it. */
async function metric(app: FastifyInstance, name: string): Promise<number> {
  const text = (await app.inject({ url: '/metrics' })).body;
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 400; tries++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const event = (i: number, progress = ''): NewEvent => ({
  type: 'progress',
  at: i,
  tenant: 't',
  jobId: `j${i}`,
  progress,
});

describe('clients of GET /v1/events', () => {
  it('are capped: past the limit a client is refused 429 naming it, and let in once one leaves', async () => {
    const { app } = testServer({ events: new MemoryEventLog(), limits: { maxEventClients: 2 } });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const first = await openEvents(base);
    await openEvents(base);
    const refused = await fetch(`${base}/v1/events`);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: unknown }).error).toEqual({
      code: 'resource_exhausted',
      message: expect.stringContaining('its limit (maxEventClients 2)'),
    });
    expect(await metric(app, 'cadenza_event_clients')).toBe(2);
    first.close();
    await until('a client to leave', async () => (await metric(app, 'cadenza_event_clients')) === 1);
    await openEvents(base);
    expect(await metric(app, 'cadenza_event_clients')).toBe(2);
  });

  it('drop a client that stops reading once its waiting output passes the limit, while the others keep up', async () => {
    const events = new MemoryEventLog(1_000_000);
    const { app } = testServer({ events, limits: { maxEventBufferBytes: 64 * 1024 } });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const readers = [await openEvents(base), await openEvents(base)];
    // A client that asks for the stream and never reads a byte of it.
    const stalled = await RawClient.open(base);
    clients.push(stalled);
    stalled.socket.pause();
    await stalled.write('GET /v1/events HTTP/1.1\r\nhost: localhost\r\n\r\n');
    await until('3 clients', async () => (await metric(app, 'cadenza_event_clients')) === 3);

    const progress = 'p'.repeat(1000);
    let appended = 0;
    // Until the server gives up on the stalled client: the kernel's buffers take a few MB
    // first, then 64 KiB waits in the server.
    while ((await metric(app, 'cadenza_event_clients_dropped_total')) === 0) {
      if (appended > 200_000) throw new Error(`the stalled client was not dropped after ${appended} events`);
      events.append(Array.from({ length: 100 }, () => event(++appended, progress)));
      await Promise.all(readers.map((r) => r.reached(appended)));
    }
    events.append(Array.from({ length: 100 }, () => event(++appended)));
    await Promise.all(readers.map((r) => r.reached(appended)));
    for (const r of readers) expect(r.events.length).toBe(appended);
    expect(await metric(app, 'cadenza_event_clients')).toBe(2);
    // Once it reads again, it finds its stream ended.
    stalled.socket.resume();
    await stalled.closedByServer();
  }, 60_000);

  it('are not cut by the request and connection timeouts, which end idle and unfinished requests', async () => {
    const events = new MemoryEventLog();
    const { app } = testServer({ events, timeouts: { requestMs: 150, connectionMs: 400 } });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const stream = await openEvents(base);
    // A request that never finishes its body, then a connection that sends nothing: each
    // is ended in its turn, while the stream, open since before both, stays silent.
    const unfinished = await RawClient.open(base);
    clients.push(unfinished);
    await unfinished.write(`${requestHead('POST', '/v1/jobs', 100)}{"name":`);
    expect((await unfinished.response()).status).toBe(408);
    const idle = await RawClient.open(base);
    clients.push(idle);
    await idle.closedByServer();
    // The stream has been silent longer than both timeouts, and still delivers.
    expect(stream.ended()).toBe(false);
    events.append([event(1)]);
    await stream.reached(1);
  });
});
