export { PRIORITY_BANDS, readyTenantsKey, type TenantKeys, tenantKeys } from './keys.js';
export { RedisJobQueue, type RedisJobQueueOptions } from './queue.js';
export { commandName, readScript, type ScriptSource } from './scripts/loader.js';
export { PACKAGE_VERSION } from './version.js';
