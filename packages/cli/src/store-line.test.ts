// The start line's store: which Redis topology a process runs on, read by whoever looks at
// the first line of its output, so it must say so plainly and never show a password.
import { describe, expect, it } from 'vitest';
import { requireRedis } from './store-flags.js';
import { storeLine } from './store-line.js';

describe('the store on the start line', () => {
  it('shows a single URL or a file store as today, its password masked', () => {
    expect(storeLine({ text: 'redis://:s3cret@h:6379' })).toBe('redis://:***@h:6379');
    expect(storeLine({ text: 'sqlite:./.cadenza/cadenza.db' })).toBe('sqlite:./.cadenza/cadenza.db');
  });

  it('names a cluster and its seed nodes', () => {
    const choice = requireRedis({ redisCluster: 'redis://a:1,redis://user:pw@b:2' });
    expect(storeLine(choice)).toBe('redis cluster (seeds redis://a:1, redis://user:***@b:2)');
  });

  it('names the sentinels and the primary they watch', () => {
    const choice = requireRedis({
      redisSentinel: 'redis://s1:26379,redis://:pw@s2:26379',
      redisSentinelName: 'mymaster',
    });
    expect(storeLine(choice)).toBe('redis sentinel "mymaster" (redis://s1:26379, redis://:***@s2:26379)');
  });

  it('adds the durable writes when above 0', () => {
    expect(storeLine(requireRedis({ redis: 'redis://h:6379', durableWrites: '1' }))).toBe(
      'redis://h:6379; durable writes: 1 replica',
    );
    expect(storeLine(requireRedis({ redisCluster: 'redis://a:1', durableWrites: '2' }))).toBe(
      'redis cluster (seeds redis://a:1); durable writes: 2 replicas',
    );
    expect(storeLine(requireRedis({ redis: 'redis://h:6379', durableWrites: '0' }))).toBe('redis://h:6379');
  });
});
