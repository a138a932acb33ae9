// The public surface of @cadenza/store-file: each export named.
export { type WriteFileAtomically, writeFileAtomically } from './atomic-write.js';
export {
  createFileStore,
  DEFAULT_DEBOUNCE_MS,
  type FileStore,
  type FileStoreFormat,
  type FileStoreOptions,
} from './file-store.js';
