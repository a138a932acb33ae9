/**
 * For tests of other packages: a redis-server of their own on a free port (or the one
 * `CADENZA_TEST_REDIS` names), stopped and restarted at will for fault tests.
 */

export { type ClusterHarness, type ClusterOptions, startRedisCluster } from './redis-cluster.js';
export { type SentinelHarness, type SentinelTopologyOptions, startRedisSentinel } from './redis-sentinel.js';
export { type RedisHarness, type ServerOptions, startRedis } from './redis-server.js';
export { makeCertificates, type TestCertificates } from './tls-certificates.js';
export { startTlsRedis, type TlsRedisHarness, type TlsServerOptions } from './tls-redis.js';
