import { runStoreConformance } from '@cadenza/core/testing';
import { afterAll, beforeAll } from 'vitest';
import { type ClusterHarness, startRedisCluster } from '../testing/redis-cluster.js';
import { createRedisStore } from './redis-store.js';

// The whole conformance suite on a real 3-primary Redis Cluster: every store call must
// touch one slot per script, route each command to its primary and load the library on
// every primary. Each store gets a fresh prefix; its tenants hash all over the slots.
let cluster: ClusterHarness;
beforeAll(async () => {
  cluster = await startRedisCluster({ primaries: 3 });
}, 60_000);
afterAll(async () => {
  await cluster.stop();
});

runStoreConformance('redis cluster', {
  keepsLeaderTicks: true,
  create: async (options) =>
    createRedisStore({
      clusterUrls: cluster.urls,
      prefix: cluster.prefix(),
      tenantWeights: options?.tenantWeights,
      tenantLimits: options?.tenantLimits,
      resources: options?.resources,
      jobConcurrency: options?.jobConcurrency,
    }),
});
