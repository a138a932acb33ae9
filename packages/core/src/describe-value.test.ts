import { describe, expect, it } from 'vitest';
import { describeValue, invalidArgument } from './errors.js';

function nestedArrays(depth: number): unknown {
  return JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
}

describe('describeValue', () => {
  // A JSON body of 10,000 nested arrays made every route that refused it answer 500: the
  // RangeError of JSON.stringify was caught, then String() overflowed the stack again.
  it('describes 10,000 nested arrays without throwing', () => {
    expect(describeValue(nestedArrays(10_000))).toBe('[an array nested too deeply to show]');
    expect(invalidArgument('body', nestedArrays(10_000), 'an object').message).toBe(
      'body: got [an array nested too deeply to show], expected an object',
    );
  });

  it('still shows a shallow array as JSON', () => {
    expect(describeValue([[1], 'a'])).toBe('[[1],"a"]');
  });
});
