// Many clients of GET /v1/events on one real `cadenza server` and a real redis-server: they
// share one reader of the event log (500 clients add at most 2 Redis connections, counted
// with CLIENT LIST), all get the same events, clients resuming from an older id get what
// they missed and then the live events with no gap or repeat, a client that stops reading
// is dropped while the others keep up, and past --max-event-clients a client is refused 429.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Cadenza, startCadenza, waitFor } from './cadenza-process.js';
import { clustersPerFile } from './cluster.js';
import { openSse, type SseClient } from './sse.js';

const file = clustersPerFile('event-clients');
const nodes = new Set<Cadenza>();
const streams = new Set<SseClient>();
afterEach(async () => {
  for (const stream of streams) stream.close();
  streams.clear();
  for (const node of nodes) await node.stop();
  nodes.clear();
});

async function server(args: readonly string[] = [], env: Record<string, string> = {}): Promise<Cadenza> {
  const node = await startCadenza(
    'server',
    ['--redis', file.redis.url, '--prefix', file.redis.prefix(), '--log-level', 'warn', ...args],
    env,
  );
  nodes.add(node);
  return node;
}

async function sse(node: Cadenza, lastEventId?: string): Promise<SseClient> {
  const stream = await openSse(`${node.url}/v1/events`, lastEventId);
  streams.add(stream);
  return stream;
}

/** An unlabelled metric of `node`, as its /metrics shows it. */
async function metric(node: Cadenza, name: string): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  return Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
}

async function clientCount(redis: ReturnType<typeof file.redis.client>): Promise<number> {
  const list = (await redis.client('LIST')) as string;
  return list.split('\n').filter((line) => line.trim() !== '').length;
}

async function enqueueBatch(node: Cadenza, jobs: readonly Record<string, unknown>[]): Promise<string[]> {
  const response = await node.http<{ ids: string[] }>('POST', '/v1/jobs/batch', { jobs });
  if (response.status !== 201) throw new Error(`batch answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.ids;
}

describe('clients of GET /v1/events', () => {
  it('500 clients share one reader of the log and all get the same events; late ones resume without gaps or repeats', async () => {
    const node = await server();
    const redis = file.redis.client();
    const before = await clientCount(redis);

    const clients: SseClient[] = [];
    for (let i = 0; i < 500; i += 50) {
      clients.push(...(await Promise.all(Array.from({ length: 50 }, () => sse(node)))));
    }
    expect(clients.every((c) => c.status === 200)).toBe(true);
    await waitFor('500 clients', async () => (await metric(node, 'cadenza_event_clients')) === 500);
    const first = await enqueueBatch(
      node,
      Array.from({ length: 50 }, (_, i) => ({ name: 'e', payload: { i } })),
    );
    await Promise.all(clients.map((c) => c.received(50)));
    const during = await clientCount(redis);
    expect(during - before).toBeLessThanOrEqual(2);

    const seen = clients[0]?.events ?? [];
    expect(seen.map((e) => [e.type, e.jobId])).toEqual(first.map((id) => ['enqueued', id]));
    for (const c of clients) expect(c.events.map((e) => e.id)).toEqual(seen.map((e) => e.id));

    // Clients that come back with an older id while jobs keep coming.
    const resumed: { after: number; client: SseClient }[] = [];
    const second: string[] = [];
    for (let i = 0; i < 50; i++) {
      second.push(...(await enqueueBatch(node, [{ name: 'e', payload: { i: 50 + i } }])));
      if (i % 10 === 0) {
        for (const after of [9, 29, 49]) resumed.push({ after, client: await sse(node, seen[after]?.id) });
      }
    }
    const all = [...first, ...second];
    await Promise.all(clients.map((c) => c.received(100)));
    await Promise.all(resumed.map(({ after, client }) => client.received(99 - after)));
    const ids = clients[0]?.events.map((e) => e.id) ?? [];
    expect(clients[0]?.events.map((e) => e.jobId)).toEqual(all);
    for (const c of clients) expect(c.events.map((e) => e.id)).toEqual(ids);
    for (const { after, client } of resumed) expect(client.events.map((e) => e.id)).toEqual(ids.slice(after + 1));
    expect((await clientCount(redis)) - before).toBeLessThanOrEqual(2);
    // A server with open streams still stops at once on SIGTERM, ending them.
    nodes.delete(node);
    expect(await node.stop()).toEqual({ code: 0, signal: null });
    await waitFor('every stream to end', () => clients.every((c) => c.ended()));
    process.stdout.write(
      `[event-clients] Redis connections: ${before} before, ${during} with 500 SSE clients; ${resumed.length} resumed clients\n`,
    );
  }, 120_000);

  it('drops a client that stops reading, while the others keep up', async () => {
    const node = await server();
    const readers = await Promise.all([sse(node), sse(node), sse(node)]);
    const { port } = new URL(node.url);
    // A client that asks for the stream and never reads a byte of it.
    const stalled = connect(Number(port), '127.0.0.1');
    let stalledClosed = false;
    stalled.on('close', () => {
      stalledClosed = true;
    });
    stalled.on('error', () => {});
    stalled.pause();
    stalled.write('GET /v1/events HTTP/1.1\r\nhost: localhost\r\n\r\n');
    await waitFor('4 clients', async () => (await metric(node, 'cadenza_event_clients')) === 4);

    // Long names make big events: the kernel's buffers take some MB before the server's own
    // buffer for the client (1 MiB by default) fills.
    const name = `job.${'n'.repeat(120)}`;
    let sent = 0;
    while ((await metric(node, 'cadenza_event_clients_dropped_total')) === 0) {
      if (sent >= 200_000) throw new Error(`the stalled client was not dropped after ${sent} events`);
      await enqueueBatch(
        node,
        Array.from({ length: 1000 }, () => ({ name, tenant: 't'.repeat(60) })),
      );
      sent += 1000;
      await Promise.all(readers.map((r) => r.received(sent, 60_000)));
    }
    await enqueueBatch(node, [{ name: 'after' }]);
    sent += 1;
    await Promise.all(readers.map((r) => r.received(sent, 60_000)));
    for (const r of readers) {
      expect(r.events).toHaveLength(sent);
      expect(r.ended()).toBe(false);
    }
    expect(await metric(node, 'cadenza_event_clients')).toBe(3);
    // Reading again, it finds its stream cut.
    stalled.resume();
    await waitFor('the stalled client to see its connection closed', () => stalledClosed);
    process.stdout.write(`[event-clients] a client that never read was dropped after ${sent - 1} events\n`);
  }, 180_000);

  it('refuses the client past --max-event-clients with 429 naming the limit', async () => {
    const node = await server([], { CADENZA_MAX_EVENT_CLIENTS: '3' });
    const admitted = await Promise.all([sse(node), sse(node), sse(node)]);
    expect(admitted.map((c) => c.status)).toEqual([200, 200, 200]);
    const refused = await sse(node);
    expect(refused.status).toBe(429);
    expect(refused.error).toEqual({
      error: { code: 'resource_exhausted', message: expect.stringContaining('(maxEventClients 3)') },
    });
    admitted[0]?.close();
    await waitFor('a client to leave', async () => (await metric(node, 'cadenza_event_clients')) === 2);
    expect((await sse(node)).status).toBe(200);
  }, 60_000);
});
