// The public surface of @cadenza/store-sqlite.
export { SCHEMA_VERSION } from './migrations.js';
export { createSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
