// What createClient hands the Redis store: a cluster's seed nodes, sentinels or one URL, and
// the durable writes. The store is replaced by a stand-in that records its options, so no
// Redis (and no cluster) is needed to see that each option reaches it.
import { createMemoryStore, MemoryEventLog } from '@cadenza/core';
import type { RedisStoreOptions } from '@cadenza/store-redis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from './create-client.js';

const created: RedisStoreOptions[] = [];

vi.mock('@cadenza/store-redis', () => ({
  createRedisStore: (options: RedisStoreOptions) => {
    created.push(options);
    return Object.assign(createMemoryStore(), { eventLog: () => new MemoryEventLog() });
  },
}));

afterEach(() => {
  created.length = 0;
});

describe('createClient', () => {
  it("passes a cluster's seed nodes and the durable writes to the store", async () => {
    const clusterUrls = ['redis://a:7000', 'redis://b:7001'];
    const client = createClient({ clusterUrls, durableWrites: 1, durableWritesTimeoutMs: 500, prefix: 'p1' });
    await client.close();
    expect(created).toEqual([
      { url: undefined, redis: undefined, prefix: 'p1', clusterUrls, durableWrites: 1, durableWritesTimeoutMs: 500 },
    ]);
  });

  it("passes the sentinels and their primary's name", async () => {
    const sentinel = { urls: ['redis://s1:26379', 'redis://s2:26379'], name: 'mymaster' };
    const client = createClient({ sentinel });
    await client.close();
    expect(created).toEqual([{ url: undefined, redis: undefined, prefix: undefined, sentinel }]);
  });

  it('passes one URL as before, and nothing it was not given', async () => {
    const client = createClient({ url: 'redis://h:6379' });
    await client.close();
    expect(created).toEqual([{ url: 'redis://h:6379', redis: undefined, prefix: undefined }]);
    expect(Object.keys(created[0] ?? {}).sort()).toEqual(['prefix', 'redis', 'url']);
  });
});
