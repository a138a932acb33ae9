import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisHarness, startRedis } from './redis-server.js';

const external = Boolean(process.env.CADENZA_TEST_REDIS);

describe.skipIf(external)('redis harness', () => {
  let harness: RedisHarness;
  const dir = mkdtempSync(join(tmpdir(), 'cz-aof-'));
  beforeAll(async () => {
    harness = await startRedis({ appendOnlyDir: dir });
  });
  afterAll(async () => {
    await harness.stop();
  });

  it('restarts on the same port; with an append-only file the data survives', async () => {
    const redis = harness.client();
    const key = `${harness.prefix()}:k`;
    await redis.set(key, 'v');
    await harness.restart();
    expect(await redis.get(key)).toBe('v');
    await harness.restart({});
    expect(await redis.get(key)).toBeNull();
  });

  it('gives a fresh prefix each time', () => {
    expect(harness.prefix()).not.toBe(harness.prefix());
  });
});
