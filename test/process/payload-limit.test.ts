// The payload limit is configurable: `--max-payload-bytes N` (or CADENZA_MAX_PAYLOAD_BYTES)
// on `cadenza dev` and `cadenza server`. A payload just over it is refused 413 naming the
// field, one just under it is accepted, and the body limit follows it (the payload plus
// 64 KiB for the other fields). @cadenza/client takes the same limit as `limits`.
import { createClient } from '@cadenza/client';
import { afterEach, describe, expect, it } from 'vitest';
import { type Cadenza, startCadenza, startDev } from './cadenza-process.js';
import { clustersPerFile } from './cluster.js';

const LIMIT = 4096;
const file = clustersPerFile('payload-limit');
const nodes = new Set<Cadenza>();
afterEach(async () => {
  for (const node of nodes) await node.stop();
  nodes.clear();
});

/** A string payload whose JSON is exactly `bytes` bytes (its two quotes included). */
const payloadOf = (bytes: number) => 'x'.repeat(bytes - 2);

interface ErrorAnswer {
  error?: { code: string; message: string };
}

async function expectLimit(node: Cadenza): Promise<void> {
  const over = await node.http<ErrorAnswer>('POST', '/v1/jobs', { name: 'a', payload: payloadOf(LIMIT + 1) });
  expect(over.status).toBe(413);
  expect(over.body.error).toEqual({
    code: 'payload_too_large',
    message: `payload: got ${LIMIT + 1} bytes of JSON, expected at most ${LIMIT} bytes`,
  });
  const under = await node.http<{ id: string }>('POST', '/v1/jobs', { name: 'a', payload: payloadOf(LIMIT) });
  expect(under.status).toBe(201);
  // A schedule's payload is held to the same limit.
  const schedule = await node.http<ErrorAnswer>('PUT', '/v1/schedules/s', {
    name: 'a',
    manual: true,
    payload: payloadOf(LIMIT + 1),
  });
  expect(schedule.status).toBe(413);
  // The body limit follows: the payload limit plus 64 KiB, not the default 1 MiB plus 64 KiB.
  const body = await node.http<ErrorAnswer>('POST', '/v1/jobs', { name: 'a', payload: payloadOf(LIMIT + 70_000) });
  expect(body.status).toBe(413);
  expect(body.body.error?.message).toMatch(/^body: larger than the \d+ bytes this route accepts$/);
  const listed = await node.http<{ jobs: { id: string }[] }>('GET', '/v1/jobs');
  expect(listed.body.jobs.map((job) => job.id)).toEqual([under.body.id]);
}

describe('a smaller payload limit', () => {
  it('holds on cadenza dev started with --max-payload-bytes', async () => {
    const dev = await startDev(['--store', 'memory', '--log-level', 'warn', '--max-payload-bytes', String(LIMIT)]);
    nodes.add(dev);
    await expectLimit(dev);
  });

  it('holds on cadenza server started with CADENZA_MAX_PAYLOAD_BYTES, and in a client given the same limit', async () => {
    const prefix = file.redis.prefix();
    const server = await startCadenza(
      'server',
      ['--redis', file.redis.url, '--prefix', prefix, '--log-level', 'warn'],
      {
        CADENZA_MAX_PAYLOAD_BYTES: String(LIMIT),
      },
    );
    nodes.add(server);
    await expectLimit(server);
    const client = createClient({ url: file.redis.url, prefix, limits: { maxPayloadBytes: LIMIT } });
    try {
      await expect(client.enqueue({ name: 'a', payload: payloadOf(LIMIT + 1) })).rejects.toMatchObject({
        code: 'payload_too_large',
        field: 'payload',
      });
      expect((await client.enqueue({ name: 'a', payload: payloadOf(LIMIT) })).created).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('is refused at start when it is not a positive number of bytes', async () => {
    await expect(startDev(['--store', 'memory', '--max-payload-bytes', '0'])).rejects.toThrow(
      /--max-payload-bytes: got "0", expected an integer from 1 to/,
    );
  });
});
