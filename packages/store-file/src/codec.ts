import type { MemoryStateSnapshot } from '@cadenza/core/store-kit';

/** How a store file turns state into bytes and back. */
export interface Codec {
  /** The store URL scheme this codec serves: `json` or `snapshot`. */
  readonly scheme: 'json' | 'snapshot';
  encode(state: MemoryStateSnapshot): Uint8Array;
  /**
   * The decoded value, not yet checked as a state (core does that). Throws an Error whose
   * message says what is wrong with the bytes (truncated, the other format, not text…).
   */
  decode(bytes: Uint8Array): unknown;
}

/** node:v8 serialisation starts with this version tag. */
export const V8_VERSION_TAG = 0xff;

/** Whether the bytes look like JSON text: an object after optional white space. */
export function looksLikeJson(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    return byte === 0x7b; // {
  }
  return false;
}
