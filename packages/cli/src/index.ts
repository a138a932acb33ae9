// The public surface of @cadenza/cli: each export named (the binary is dist/bin.js).
export { envName } from './env.js';
export { UsageError } from './errors.js';
export { buildProgram, main } from './main.js';
export { DEFAULT_STORE, openStore, parseStoreUrl, type StoreUrl } from './store-url.js';
