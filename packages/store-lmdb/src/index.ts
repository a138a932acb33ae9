// The public surface of @cadenza/store-lmdb: each export named.
export { LMDB_STORE_FORMAT } from './lmdb-file.js';
export {
  createLmdbStore,
  DEFAULT_MIN_CHECKPOINT_BYTES,
  DEFAULT_POLL_MS,
  type LmdbStore,
  type LmdbStoreOptions,
} from './lmdb-store.js';
