export { ACL_COMMANDS, aclRules } from './acl.js';
export { DEFAULT_MAX_EVENTS, RedisEventLog } from './events/redis-event-log.js';
export { eventKeys, type GateKeys, gateKeys, PRIORITY_BANDS, readyKey, type TenantKeys, tenantKeys } from './keys.js';
export { buildLibrary, checkRedisVersion, type Library, readScript, type ScriptSource } from './scripts/loader.js';
export {
  createRedisStore,
  RedisStore,
  type RedisStoreOptions,
  type RedisTls,
  type SentinelOptions,
} from './store/redis-store.js';
export { PACKAGE_VERSION } from './version.js';
