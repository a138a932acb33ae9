export { DEFAULT_EVENTS_MAX_LEN, RedisEventLog } from './events/redis-event-log.js';
export { eventsKey, type GateKeys, gateKeys, PRIORITY_BANDS, readyKey, type TenantKeys, tenantKeys } from './keys.js';
export { commandName, readScript, type ScriptSource } from './scripts/loader.js';
export { createRedisStore, RedisStore, type RedisStoreOptions } from './store/redis-store.js';
export { PACKAGE_VERSION } from './version.js';
