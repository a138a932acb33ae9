import { afterEach, describe, expect, it } from 'vitest';
import { storeContents, testServer } from './server.test-helpers.js';
import { chunk, LAST_CHUNK, RawClient, requestHead } from './socket.test-helpers.js';
import { DISCARD_LIMIT_FACTOR } from './unread-body.js';

const LIMITS = { maxPayloadBytes: 1000, maxBodyBytes: 2000, maxBatchBodyBytes: 3000 };

const clients: RawClient[] = [];
afterEach(() => {
  // Before the server closes: it waits for open connections.
  for (const client of clients.splice(0)) client.destroy();
});

async function connect(base: string): Promise<RawClient> {
  const client = await RawClient.open(base);
  clients.push(client);
  return client;
}

async function listening() {
  const server = testServer({ limits: LIMITS });
  const base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  return { ...server, base };
}

/** A JSON body of `bytes` bytes for `path`. */
function bodyFor(path: string, bytes: number): string {
  const fields = path.startsWith('/v1/schedules/') ? '"name":"a","manual":true' : '"name":"a"';
  const [head, tail] =
    path === '/v1/jobs/batch' ? [`{"jobs":[{${fields},"payload":"`, '"}]}'] : [`{${fields},"payload":"`, '"}'];
  return `${head}${'x'.repeat(bytes - head.length - tail.length)}${tail}`;
}

const ROUTES = [
  { method: 'POST', path: '/v1/jobs', limit: LIMITS.maxBodyBytes },
  { method: 'POST', path: '/v1/jobs/batch', limit: LIMITS.maxBatchBodyBytes },
  { method: 'PUT', path: '/v1/schedules/s', limit: LIMITS.maxBodyBytes },
];

/** A small request that succeeds, to show the connection still serves. */
const HEALTH = 'GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n';

describe('a body refused before it was read to its end', () => {
  it.each(ROUTES)('$method $path: read to the end, answered 413, and the connection kept', async (route) => {
    const { base, store } = await listening();
    const client = await connect(base);
    const body = Buffer.from(bodyFor(route.path, route.limit * 5));
    expect(body.length).toBe(route.limit * 5);
    await client.write(requestHead(route.method, route.path, body.length));
    // In pieces, each after the last was taken: the server refuses on the declared length
    // before most of it was sent.
    for (let at = 0; at < body.length; at += 1000) await client.write(body.subarray(at, at + 1000));
    const refused = await client.response();
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body).error).toMatchObject({ code: 'payload_too_large' });
    expect(refused.headers.connection).not.toBe('close');
    await client.write(HEALTH);
    expect((await client.response()).status).toBe(200);
    client.destroy();
    expect(await storeContents(store)).toEqual({ jobs: 0, schedules: 0 });
  });

  it('reads a chunked body past the limit to its end too', async () => {
    const { base } = await listening();
    const client = await connect(base);
    await client.write(requestHead('POST', '/v1/jobs', 'chunked'));
    const body = bodyFor('/v1/jobs', 10_000);
    for (let at = 0; at < body.length; at += 500) await client.write(chunk(body.slice(at, at + 500)));
    await client.write(LAST_CHUNK);
    const refused = await client.response();
    expect(refused.status).toBe(413);
    await client.write(HEALTH);
    expect((await client.response()).status).toBe(200);
    client.destroy();
  });

  it('answers at once and closes when the declared length is past the bound', async () => {
    const { base } = await listening();
    const client = await connect(base);
    // Not a byte of the body is sent: the answer comes on the header alone.
    await client.write(requestHead('POST', '/v1/jobs', LIMITS.maxBodyBytes * DISCARD_LIMIT_FACTOR + 1));
    const refused = await client.response();
    expect(refused.status).toBe(413);
    expect(refused.headers.connection).toBe('close');
    await client.closedByServer();
  });

  it('closes a chunked body that goes on past the bound, after reading that much', async () => {
    const { base } = await listening();
    const client = await connect(base);
    await client.write(requestHead('POST', '/v1/jobs', 'chunked'));
    const piece = chunk('x'.repeat(1000));
    let written = 0;
    while (!client.closed && written < 100 * LIMITS.maxBodyBytes * DISCARD_LIMIT_FACTOR) {
      await client.write(piece);
      written += 1000;
    }
    await client.closedByServer();
    expect(written).toBeGreaterThan(LIMITS.maxBodyBytes * DISCARD_LIMIT_FACTOR);
    expect(written).toBeLessThan(100 * LIMITS.maxBodyBytes * DISCARD_LIMIT_FACTOR);
  });

  it('reads the body of a request refused on its content type, or for its route, before answering', async () => {
    const { base } = await listening();
    const client = await connect(base);
    for (const [head, status] of [
      [requestHead('POST', '/v1/jobs', 1500, 'application/xml'), 400],
      [requestHead('POST', '/v1/nowhere', 1500), 404],
    ] as const) {
      // A JSON string, written in pieces.
      await client.write(head);
      const body = `"${'x'.repeat(1498)}"`;
      for (let at = 0; at < body.length; at += 500) await client.write(body.slice(at, at + 500));
      expect((await client.response()).status).toBe(status);
    }
    await client.write(HEALTH);
    expect((await client.response()).status).toBe(200);
    client.destroy();
  });
});
