import { describe, expect, it } from 'vitest';
import { REDACTED, secretRedactor, secretsOfUrl } from './redact.js';

describe('secretsOfUrl', () => {
  it('finds the password of a redis URL, raw and decoded; none without one', () => {
    expect(secretsOfUrl('redis://:s3cret@127.0.0.1:6379')).toEqual(['s3cret']);
    expect(secretsOfUrl('rediss://user:a%2Fb@h:1')).toEqual(['a%2Fb', 'a/b']);
    expect(secretsOfUrl('redis://127.0.0.1:6379')).toEqual([]);
    expect(secretsOfUrl('memory')).toEqual([]);
  });
});

describe('secretRedactor', () => {
  it('replaces every occurrence, also JSON-escaped, and leaves other text alone', () => {
    const redact = secretRedactor(['s3cret', 'a"b', 'x']);
    expect(redact('{"msg":"redis://:s3cret@h and s3cret again"}')).toBe(
      `{"msg":"redis://:${REDACTED}@h and ${REDACTED} again"}`,
    );
    expect(redact(JSON.stringify({ v: 'a"b' }))).toBe(`{"v":"${REDACTED}"}`);
    // Too short to be a secret worth mangling every line for.
    expect(redact('x marks')).toBe('x marks');
  });
});
