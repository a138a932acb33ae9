import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import type { RedisStoreOptions } from '../store/options.js';
import { createRedisStore, type RedisStore } from '../store/redis-store.js';
import { type RedisHarness, startRedis } from './redis-server.js';

/** What a test file shares: its redis-server, a client of it, and fresh stores on it. */
export interface RedisPerFile {
  readonly harness: RedisHarness;
  readonly redis: Redis;
  /** A store on the shared client with a fresh prefix (returned too, to look at its keys). */
  freshStore(options?: Omit<RedisStoreOptions, 'redis' | 'prefix'>): { store: RedisStore; prefix: string };
}

/**
 * Starts one redis-server for the calling test file (before its tests, stopped after
 * them): every test then takes stores on fresh prefixes, so tests never meet.
 */
export function redisPerFile(): RedisPerFile {
  let harness: RedisHarness | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    harness = await startRedis();
    redis = harness.client();
  });
  afterAll(async () => {
    await harness?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the redis-server of this file starts before its tests');
    return value;
  };
  return {
    get harness() {
      return started(harness);
    },
    get redis() {
      return started(redis);
    },
    freshStore(options = {}) {
      const prefix = started(harness).prefix();
      return { store: createRedisStore({ ...options, redis: started(redis), prefix }), prefix };
    },
  };
}
