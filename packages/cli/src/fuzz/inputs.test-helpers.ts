import fc from 'fast-check';

/**
 * Flag values for fuzzing: arbitrary strings, mixed with a corpus of values known to trip
 * number and JSON parsing (huge, negative zero, hex, exponents, whitespace, NUL, bidi marks,
 * lone surrogates, prototype keys, deep nesting).
 */
export const NASTY_VALUES: readonly string[] = [
  '',
  ' ',
  '0',
  '-0',
  '1',
  '-1',
  '+1',
  ' 5 ',
  '5\n',
  '1e3',
  '1.5',
  '0x10',
  '0b1',
  '1_000',
  '٣',
  'NaN',
  'Infinity',
  '1e308',
  '9007199254740993',
  '99999999999999999999999',
  '\u0000',
  '\u202e5',
  '😀',
  '\ud800',
  'null',
  'true',
  '[]',
  '{}',
  '{"a":1}',
  '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{"x":1}}}',
  '{"acme":1e308}',
  '{"acme":-0}',
  '{"acme":{"__proto__":1}}',
  '{"acme":{"maxActive":1e400}}',
  '{"acme":{"rate":{"__proto__":{}}}}',
  '{"toString":1,"valueOf":2}',
  `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
  `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
  '@',
  '@.',
  '@/',
  '@/nonexistent/cadenza-fuzz',
  'memory',
  'sqlite:',
  'json:',
  'redis://',
  'redis:///',
  'redis://h:6379',
  'rediss://h:6380',
  'a'.repeat(10_000),
];

export const anyValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_VALUES),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer().map(String),
  fc.json({ maxDepth: 3 }),
);

/** A value that is sometimes absent. */
export const maybeValue: fc.Arbitrary<string | undefined> = fc.option(anyValue, { nil: undefined });
