// Events across a cluster (docs/operations.md, "Events"): a `cadenza coordinator`, a
// `cadenza worker` and a `cadenza server` on one Redis. A job fails its first attempt and
// succeeds on its second; a service subscribed with @cadenza/client, and an HTTP client
// reading `GET /v1/events` (server-sent events), each see exactly its life: enqueued (by
// the client), started, retried (by the worker), started, succeeded — the same events, with
// the same ids.
import { type CadenzaEvent, createClient } from '@cadenza/client';
import { describe, expect, it } from 'vitest';
import { startCadenza } from './cadenza-process.js';
import { clustersPerFile } from './cluster.js';

const file = clustersPerFile('events');
const EXPECTED = [
  ['enqueued', null],
  ['started', 1],
  ['retried', 1],
  ['started', 2],
  ['succeeded', 2],
];

/** Reads server-sent events from `url` until `done` says so; answers them parsed. */
async function readSse(url: string, done: (events: CadenzaEvent[]) => boolean): Promise<CadenzaEvent[]> {
  const stop = new AbortController();
  const response = await fetch(url, { signal: stop.signal });
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: CadenzaEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = new Map(
          message
            .split('\n')
            .filter((line) => !line.startsWith(':'))
            .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
        );
        const data = fields.get('data');
        if (data !== undefined) {
          const event = JSON.parse(data) as CadenzaEvent;
          expect(fields.get('id')).toBe(event.id);
          expect(fields.get('event')).toBe(event.type);
          events.push(event);
        }
        end = buffer.indexOf('\n\n');
      }
      if (done(events)) break;
    }
  } finally {
    stop.abort();
  }
  return events;
}

describe('events across a cluster', () => {
  it('shows a job that retries once and succeeds, the same through the client and over SSE', async () => {
    const c = file.start(['--log-level', 'warn']);
    await c.coordinator('coord-1', ['--leader-ttl-ms', '2000']);
    await c.worker('w1', ['--concurrency', '4']);
    const server = await startCadenza('server', ['--redis', c.redis.url, '--prefix', c.prefix, '--log-level', 'warn']);
    c.nodes.add(server);
    const client = createClient({ url: c.redis.url, prefix: c.prefix });
    try {
      const stop = new AbortController();
      const seen: CadenzaEvent[] = [];
      let jobId = '';
      const ofJob = () => seen.filter((event) => event.jobId === jobId);
      const subscribed = (async () => {
        for await (const event of client.events({ signal: stop.signal })) {
          seen.push(event);
          if (ofJob().at(-1)?.type === 'succeeded') stop.abort();
        }
      })();
      const { id } = await client.enqueue({
        name: 'flaky',
        maxAttempts: 2,
        backoff: { type: 'fixed', delayMs: 50 },
      });
      jobId = id;
      await subscribed;
      const mine = ofJob();
      expect(mine.map((event) => [event.type, event.attempt ?? null])).toEqual(EXPECTED);
      expect(mine[0]).toMatchObject({ tenant: 'default', name: 'flaky', status: 'waiting' });
      expect(mine[1]).toMatchObject({ nodeId: 'w1', name: 'flaky' });
      expect(mine[2]).toMatchObject({ reason: 'backoff', error: { message: 'the first attempt fails' } });
      expect((await client.getJob(id))?.status).toBe('succeeded');

      // The same events over HTTP, replayed from the oldest kept.
      const overSse = await readSse(`${server.url}/v1/events?after=0`, (events) =>
        events.some((event) => event.jobId === id && event.type === 'succeeded'),
      );
      const sseMine = overSse.filter((event) => event.jobId === id);
      expect(sseMine.map((event) => event.id)).toEqual(mine.map((event) => event.id));
      expect(sseMine).toEqual(mine);
      // The coordinator told of its leadership too.
      expect(overSse.some((event) => event.type === 'leader_changed' && event.nodeId === 'coord-1')).toBe(true);
    } finally {
      await client.close();
    }
  }, 60_000);
});
