import { runStoreConformance } from '@cadenza/core/testing';
import { afterAll, beforeAll } from 'vitest';
import { type RedisHarness, startRedis } from '../testing/redis-server.js';
import { createRedisStore } from './redis-store.js';

// One redis-server for the file; every store gets a fresh key prefix, so tests never meet.
let redis: RedisHarness;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

runStoreConformance('redis', {
  keepsLeaderTicks: true,
  create: async (options) =>
    createRedisStore({
      url: redis.url,
      prefix: redis.prefix(),
      tenantWeights: options?.tenantWeights,
      tenantLimits: options?.tenantLimits,
      resources: options?.resources,
      jobConcurrency: options?.jobConcurrency,
    }),
});
