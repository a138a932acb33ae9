import { describe, expect, it } from 'vitest';
import { definedOnly } from './defined-only.js';

describe('definedOnly', () => {
  it('leaves out the keys whose value is undefined, and keeps null, 0, false and empty strings', () => {
    const result = definedOnly({ a: undefined, b: null, c: 0, d: false, e: '', f: { g: undefined } });
    expect(result).toEqual({ b: null, c: 0, d: false, e: '', f: { g: undefined } });
    expect(Object.keys(result)).toEqual(['b', 'c', 'd', 'e', 'f']);
  });

  it('spread over defaults, keeps a default where the value is missing', () => {
    const given: { port?: number; host?: string } = { host: undefined, port: 8080 };
    expect({ host: 'localhost', port: 80, ...definedOnly(given) }).toEqual({ host: 'localhost', port: 8080 });
  });
});
