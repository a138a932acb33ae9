import type { MemoryStateSnapshot } from '@cadenza/core/store-kit';
import { type Codec, V8_VERSION_TAG } from './codec.js';

/**
 * `json:PATH`: readable JSON, two-space indented, in the fixed shape of core's state
 * snapshot (`format` first). Fields whose value is undefined are left out, as JSON does.
 */
export const jsonCodec: Codec = {
  scheme: 'json',

  encode(state: MemoryStateSnapshot): Uint8Array {
    return Buffer.from(`${JSON.stringify(state, null, 2)}\n`, 'utf8');
  },

  decode(bytes: Uint8Array): unknown {
    if (bytes.length === 0) throw new Error('the file is empty');
    if (bytes[0] === V8_VERSION_TAG) {
      throw new Error('it holds a node:v8 snapshot, not JSON (open it as snapshot:PATH)');
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new Error('it is not UTF-8 text, so not JSON');
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new Error(`it is not valid JSON (truncated or corrupt?): ${(error as Error).message}`);
    }
  },
};
