import fc from 'fast-check';

/**
 * Inputs for fuzzing: arbitrary ones from fast-check, mixed with a corpus of values known to
 * break parsers and validators (huge and negative-zero numbers, NUL, bidi marks, lone
 * surrogates, prototype keys, very deep nesting, very long strings).
 */

export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u202eacme',
  '\u200f',
  '😀',
  '\ud800',
  '\udfff',
  '\ufeff',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '1e308',
  '-0',
  'NaN',
  'Infinity',
  '-Infinity',
  '9007199254740993',
  '0x10',
  '1.5',
  '-1',
  '0',
  '1',
  '1000',
  '1001',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '%00',
  '%ZZ',
  '%',
  '%E0%A4%A',
  '../../etc/passwd',
  '..%2F..%2F',
  '\r\nX-Injected: 1',
  'default',
  'acme',
  'beta',
  'email.send',
  'waiting',
  'failed',
  'payload',
  'payload,result',
  'result,payload,payload',
  '* * * * *',
  '0 8 * * MON-FRI',
  'Europe/Berlin',
  'Mars/Olympus',
  '2026-01-01T00:00:00.000Z',
  '2026-13-45T99:99:99Z',
  '+275760-09-13T00:00:00.001Z',
  'a'.repeat(64),
  'a'.repeat(65),
  'a'.repeat(100),
  'a'.repeat(101),
  'a'.repeat(128),
  'a'.repeat(129),
  'a'.repeat(1025),
  'x'.repeat(70_000),
];

export const NASTY_NUMBERS: readonly number[] = [
  1e308,
  -1e308,
  -0,
  0,
  1,
  -1,
  0.5,
  9,
  10,
  1000,
  1001,
  2 ** 31,
  2 ** 53 + 1,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_VALUE,
  8.64e15,
  8.64e15 + 1,
  3.1556952e12,
];

/** A string: arbitrary (any code unit, lone surrogates included) or from the corpus. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

export const anyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...NASTY_NUMBERS),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, leaves from the corpus included. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: anyString },
  { weight: 1, arbitrary: anyNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
);

/**
 * Body texts no object arbitrary makes: not JSON, JSON with prototype keys, lone surrogate
 * escapes, 10,000 levels of nesting, a byte order mark, a number past double range.
 */
export const NASTY_BODIES: readonly string[] = [
  '',
  '   ',
  '{',
  '}',
  '{"name":',
  'null',
  'true',
  '0',
  '-0',
  '1e400',
  '"text"',
  '[]',
  '{}',
  '[{}]',
  '\ufeff{"name":"email.send"}',
  '{"name":"email.send"}garbage',
  '{"__proto__":{"polluted":true},"name":"email.send"}',
  '{"name":"email.send","payload":{"__proto__":{"polluted":true}}}',
  '{"constructor":{"prototype":{"polluted":true}},"name":"email.send"}',
  '{"name":"email.send","payload":{"constructor":{"prototype":{}}}}',
  '{"name":"email.send","payload":"\\ud800"}',
  '{"name":"\\ud800"}',
  '{"name":"email.send","name":"other"}',
  '{"name":"email.send","payload":1e308,"priority":-0}',
  '{"name":"email.send","priority":9007199254740993}',
  '{"name":"email.send","payload":"\\u0000\\u202e"}',
  '{"jobs":[]}',
  '{"jobs":{}}',
  '{"jobs":[null]}',
  `{"jobs":[${Array.from({ length: 10_001 }, () => '{"name":"x"}').join(',')}]}`,
  `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
  `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
  `{"name":"email.send","payload":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
  `{"name":"email.send","payload":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
  `{"jobs":[{"name":"email.send","payload":${'['.repeat(5_000)}${']'.repeat(5_000)}}]}`,
  `{"name":"email.send","every":60000,"payload":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
  `{"name":"email.send","payload":"${'x'.repeat(1024 * 1024 + 1)}"}`,
  `{"name":"${'a'.repeat(129)}"}`,
];

export const CONTENT_TYPES: readonly (string | undefined)[] = [
  'application/json',
  'application/json; charset=utf-8',
  'application/JSON',
  'application/json; charset=latin1',
  'application/json-patch+json',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '*/*',
  'json',
  '',
  undefined,
];

/** A request body; a failing case prints at most 300 characters of it. */
export interface Body {
  payload: string | Buffer | undefined;
}

function asBody(payload: string | Buffer | undefined): Body {
  const shown = payload === undefined ? 'no body' : JSON.stringify(String(payload));
  const short = shown.length > 300 ? `${shown.slice(0, 300)}… (${shown.length} characters)` : shown;
  return { payload, [fc.toStringMethod]: () => short } as Body;
}

/** A body: a value turned into JSON (most often), a nasty text, or raw bytes. */
export function bodyText(value: fc.Arbitrary<unknown>): fc.Arbitrary<Body> {
  return fc
    .oneof(
      { weight: 6, arbitrary: value.map((v) => JSON.stringify(v) ?? '') },
      { weight: 2, arbitrary: fc.constantFrom(...NASTY_BODIES) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    )
    .map(asBody);
}

export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
);

/** An object with some of `fields`, each either plausible or anything at all, plus stray keys. */
export function someFields(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const mixed = Object.fromEntries(
    Object.entries(fields).map(([key, plausible]) => [
      key,
      fc.oneof({ weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: anyJson }),
    ]),
  );
  return fc
    .tuple(
      fc.record(mixed, { requiredKeys: [] }),
      fc.option(fc.tuple(fc.oneof(anyString, fc.constantFrom('__proto__', 'constructor')), anyJson), {
        freq: 8,
      }),
    )
    .map(([record, stray]) => {
      if (stray === null) return record;
      // defineProperty, so that a "__proto__" key is an own key that JSON.stringify writes.
      const out: Record<string, unknown> = { ...record };
      Object.defineProperty(out, stray[0], { value: stray[1], enumerable: true, configurable: true, writable: true });
      return out;
    });
}

/** A query string of `[key, value]` pairs: known and unknown keys, repeats, raw percent garbage. */
export function queryString(keys: readonly string[]): fc.Arbitrary<string> {
  // A route without parameters still gets the common ones, which it must refuse.
  const known = keys.length === 0 ? ['tenant', 'limit'] : keys;
  const key = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: anyString });
  const value = fc.oneof({ weight: 2, arbitrary: anyString }, { weight: 1, arbitrary: fc.integer().map(String) });
  const encoded = fc.tuple(key, value).map(([k, v]) => `${safeEncode(k)}=${safeEncode(v)}`);
  const raw = fc.constantFrom('%', '%ZZ', '%E0%A4%A', 'limit', 'limit=', '=1', '&&', 'a=1=2', '%00=%00', 'tenant[]=x');
  const some = fc
    .array(fc.oneof({ weight: 5, arbitrary: encoded }, { weight: 1, arbitrary: raw }), { maxLength: 4 })
    .map((parts) => (parts.length === 0 ? '' : `?${parts.join('&')}`));
  // No query at all half the time, so that the rest of the request is fuzzed past it.
  return fc.oneof(fc.constant(''), some);
}

/** encodeURIComponent, but a lone surrogate (which it refuses) goes as raw, invalid percent-escapes. */
export function safeEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return Array.from(text, (ch) => {
      try {
        return encodeURIComponent(ch);
      } catch {
        return '%ED%A0%80';
      }
    }).join('');
  }
}

/** A path segment for `:id`: one of `known`, a valid id of any length, or garbage. */
export function idSegment(known: () => readonly string[]): fc.Arbitrary<string> {
  const valid = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/);
  return fc.oneof(
    { weight: 3, arbitrary: fc.nat().map((i) => safeEncode(pick(known(), i) ?? 'missing')) },
    { weight: 3, arbitrary: valid.map(safeEncode) },
    { weight: 1, arbitrary: valid },
    { weight: 2, arbitrary: anyString.map(safeEncode) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%ZZ', '%E0%A4%A', '%2F', '..', '.', '%00', '%2e%2e', 'a%ZZb') },
  );
}

function pick<T>(items: readonly T[], i: number): T | undefined {
  return items.length === 0 ? undefined : items[i % items.length];
}

/** What Node lets a client send as a header value (others never reach the server). */
export function isHeaderValue(value: string): boolean {
  return /^[\t\x20-\x7e\x80-\xff]*$/.test(value);
}
