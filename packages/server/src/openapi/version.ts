import { readFileSync } from 'node:fs';

/**
 * This package's version, for the document's `info.version`: read from its package.json,
 * which sits two levels up from both src/openapi/ and dist/openapi/, so that a release
 * never needs the number written twice.
 */
export const SERVER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
