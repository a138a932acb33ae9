// A body over the limit is refused with an answer the client sees. Reported: POST /v1/jobs
// with a 2 MiB payload (the limit is 1 MiB), 40 times from fetch against `cadenza dev`:
// 16 answers were 413 payload_too_large and 24 were EPIPE: the server answered and closed
// while the client was still writing. A client that cannot see the refusal cannot tell it
// from a network fault. Now the rest of a refused body is read and dropped (up to a bound
// far above the limit) before the answer, and only a body past that bound loses its
// connection.
import { afterEach, describe, expect, it } from 'vitest';
import { type Cadenza, startCadenza, startDev } from './cadenza-process.js';
import { clustersPerFile } from './cluster.js';
import { jobBody, slowRequest } from './raw-http.js';

const MiB = 1024 * 1024;
/** The default payload limit. */
const LIMIT = MiB;
/** The default limit of a batch's body. */
const BATCH_LIMIT = 32 * MiB;
const SIZES = [1.5, 2, 8];
const TIMES = 50;

const file = clustersPerFile('oversized');
const nodes = new Set<Cadenza>();
afterEach(async () => {
  for (const node of nodes) await node.stop();
  nodes.clear();
});

/** What `fetch` made of one request: the status and error code, or the network error. */
async function fetchOutcome(url: string, method: string, body: Buffer): Promise<string> {
  try {
    const response = await fetch(url, { method, body, headers: { 'content-type': 'application/json' } });
    const answer = (await response.json()) as { error?: { code?: string } };
    return `${response.status} ${answer.error?.code}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return `network error ${cause?.code ?? String(error)}`;
  }
}

/** Counts of each distinct outcome. */
function tally(outcomes: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

/** Runs `send` `times` times, `atOnce` at a time; answers every outcome. */
async function repeat(times: number, atOnce: number, send: () => Promise<string>): Promise<string[]> {
  const outcomes: string[] = [];
  let started = 0;
  const lane = async () => {
    while (started < times) {
      started += 1;
      outcomes.push(await send());
    }
  };
  await Promise.all(Array.from({ length: atOnce }, lane));
  return outcomes;
}

/**
 * What a client sending 64 KiB a millisecond or so made of one request: the status and
 * error code, then any socket error and whether the server closed first. The server
 * answers long before such a client is done, unless it reads the body to its end first.
 */
async function slowOutcome(url: string, method: string, path: string, body: Buffer): Promise<string> {
  const answer = await slowRequest(url, method, path, { body, chunkBytes: 64 * 1024, pauseMs: 1 });
  const parsed = answer.body === '' ? undefined : (JSON.parse(answer.body) as { error?: { code?: string } });
  const error = answer.error === undefined ? '' : ` then ${answer.error}`;
  return `${answer.status} ${parsed?.error?.code}${error}${answer.closedByServer ? ' then closed' : ''}`;
}

describe('a body over the limit', () => {
  it('is answered 413 every time on cadenza dev, through fetch and through a slow raw socket', async () => {
    const dev = await startDev(['--store', 'memory', '--log-level', 'warn']);
    nodes.add(dev);
    for (const size of SIZES) {
      const body = jobBody(Math.round(size * LIMIT));
      const fetched = await repeat(TIMES, 1, () => fetchOutcome(`${dev.url}/v1/jobs`, 'POST', body));
      expect(tally(fetched), `fetch, ${size}× the limit`).toEqual({ '413 payload_too_large': TIMES });

      const raw = await repeat(TIMES, 5, () => slowOutcome(dev.url, 'POST', '/v1/jobs', body));
      expect(tally(raw), `slow socket, ${size}× the limit`).toEqual({ '413 payload_too_large': TIMES });
    }
    // The connection was not taken down under any of them: the node still serves.
    expect((await dev.http('GET', '/healthz')).status).toBe(200);
  }, 180_000);

  it('loses its connection, rather than hang, far past the bound', async () => {
    const dev = await startDev(['--store', 'memory', '--log-level', 'warn']);
    nodes.add(dev);
    // Declared 64× the limit: refused on its header, and the connection closes at once.
    const declared = await slowRequest(dev.url, 'POST', '/v1/jobs', {
      body: jobBody(64 * LIMIT),
      chunkBytes: 64 * 1024,
      pauseMs: 0,
    });
    expect(declared.closedByServer).toBe(true);
    expect(declared.written).toBeLessThan(64 * LIMIT);

    // A chunked body that never ends: read and dropped up to the bound (past anything that
    // is answered 413 above), then the connection closes.
    const endless = await slowRequest(dev.url, 'POST', '/v1/jobs', {
      body: jobBody(256 * LIMIT),
      chunked: true,
      chunkBytes: 256 * 1024,
      pauseMs: 0,
    });
    expect(endless.closedByServer).toBe(true);
    expect(endless.written).toBeGreaterThan(8 * LIMIT);
    expect(endless.written).toBeLessThan(256 * LIMIT);
    expect((await dev.http('GET', '/healthz')).status).toBe(200);
  }, 60_000);

  it('is answered 413 on cadenza server for jobs, batches and schedules', async () => {
    const server = await startCadenza('server', [
      '--redis',
      file.redis.url,
      '--prefix',
      file.redis.prefix(),
      '--log-level',
      'warn',
    ]);
    nodes.add(server);
    const body = jobBody(2 * LIMIT);
    const schedule = jobBody(2 * LIMIT, '"manual":true,');
    const outcomes = {
      jobs: await repeat(10, 1, () => fetchOutcome(`${server.url}/v1/jobs`, 'POST', body)),
      schedules: await repeat(10, 1, () => fetchOutcome(`${server.url}/v1/schedules/big`, 'PUT', schedule)),
      batch: await repeat(3, 1, () =>
        fetchOutcome(`${server.url}/v1/jobs/batch`, 'POST', Buffer.from(`{"jobs":[${jobBody(1.5 * BATCH_LIMIT)}]}`)),
      ),
      slowJobs: await repeat(10, 5, () => slowOutcome(server.url, 'POST', '/v1/jobs', body)),
    };
    expect({
      jobs: tally(outcomes.jobs),
      schedules: tally(outcomes.schedules),
      batch: tally(outcomes.batch),
      slowJobs: tally(outcomes.slowJobs),
    }).toEqual({
      jobs: { '413 payload_too_large': 10 },
      schedules: { '413 payload_too_large': 10 },
      batch: { '413 payload_too_large': 3 },
      slowJobs: { '413 payload_too_large': 10 },
    });
    // Nothing of it was written.
    const listed = await server.http<{ jobs: unknown[] }>('GET', '/v1/jobs');
    expect(listed.body.jobs).toEqual([]);
    expect((await server.http('GET', '/v1/schedules/big')).status).toBe(404);
  }, 180_000);
});
