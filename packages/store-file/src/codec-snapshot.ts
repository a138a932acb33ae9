import { deserialize, serialize } from 'node:v8';
import type { MemoryStateSnapshot } from '@cadenza/core/store-kit';
import { type Codec, looksLikeJson, V8_VERSION_TAG } from './codec.js';

/**
 * `snapshot:PATH`: node:v8 serialisation (`v8.serialize` of core's state snapshot):
 * compact and fast, keeps undefined fields, readable back with `v8.deserialize`.
 */
export const snapshotCodec: Codec = {
  scheme: 'snapshot',

  encode(state: MemoryStateSnapshot): Uint8Array {
    return serialize(state);
  },

  decode(bytes: Uint8Array): unknown {
    if (bytes.length === 0) throw new Error('the file is empty');
    if (bytes[0] !== V8_VERSION_TAG) {
      throw new Error(
        looksLikeJson(bytes)
          ? 'it holds JSON, not a node:v8 snapshot (open it as json:PATH)'
          : 'it is not a node:v8 snapshot (no v8 version header)',
      );
    }
    try {
      return deserialize(bytes);
    } catch (error) {
      throw new Error(`it is not a readable node:v8 snapshot (truncated or corrupt?): ${(error as Error).message}`);
    }
  },
};
