// What openStore hands the Redis store for each topology. The store is replaced by a stand-in
// that records its options: no Redis is needed to see that the flags reach it.
import { createMemoryStore } from '@cadenza/core';
import type { RedisStoreOptions } from '@cadenza/store-redis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from './errors.js';
import { displayStore, maskPasswords, openStore } from './store-url.js';

const created: RedisStoreOptions[] = [];

vi.mock('@cadenza/store-redis', () => ({
  createRedisStore: (options: RedisStoreOptions) => {
    created.push(options);
    return createMemoryStore();
  },
}));

afterEach(() => {
  created.length = 0;
});

describe('openStore on a Redis topology', () => {
  it("passes a cluster's seed nodes in place of a URL", async () => {
    const urls = ['redis://a:1', 'redis://b:2'];
    const store = await openStore(urls.join(','), { flag: '--redis-cluster', clusterUrls: urls, prefix: 'p1' });
    await store.close();
    expect(created).toEqual([{ clusterUrls: urls, prefix: 'p1' }]);
  });

  it("passes the sentinels and their primary's name in place of a URL", async () => {
    const sentinel = { urls: ['redis://s1:26379'], name: 'mymaster' };
    const store = await openStore('redis://s1:26379', { flag: '--redis-sentinel', sentinel, durableWrites: 1 });
    await store.close();
    expect(created).toEqual([{ sentinel, durableWrites: 1 }]);
  });

  it('passes one URL and the durable writes as before', async () => {
    const store = await openStore('redis://h:6379', { flag: '--redis', durableWrites: 2 });
    await store.close();
    expect(created).toEqual([{ url: 'redis://h:6379', durableWrites: 2 }]);
  });

  it('refuses a bad --store value before the Redis store is asked for anything', async () => {
    await expect(openStore('mysql://h', { durableWrites: 1 })).rejects.toThrow(UsageError);
    expect(created).toEqual([]);
  });
});

describe('showing a list of Redis URLs', () => {
  it('masks the password of each', () => {
    expect(displayStore('redis://:a@h1:1,redis://u:b@h2:2')).toBe('redis://:***@h1:1,redis://u:***@h2:2');
  });

  it('echoes a value as given, passwords masked', () => {
    expect(maskPasswords('redis://')).toBe('redis://');
    expect(maskPasswords('redis://u:pw@a:1,rediss://:x@b:2')).toBe('redis://u:***@a:1,rediss://:***@b:2');
    expect(maskPasswords('memory')).toBe('memory');
  });
});
