import type { z } from 'zod';
import { CadenzaError, describeValue } from '../errors.js';

/**
 * Turns validation failures into `CadenzaError`s whose message names the field (a dotted
 * path: `backoff.delayMs`, `jobs.3.name`), the value received and what was expected. Our
 * schemas put the "expected" wording in each issue's message (see fields.ts), so this
 * file only adds the path and the value.
 */
export type Path = readonly (string | number)[];

export function formatPath(path: Path): string {
  return path.join('.');
}

/** The error for one bad field; `path` empty means the input as a whole (named by `root`). */
export function fieldError(path: Path, value: unknown, expected: string, root = 'input'): CadenzaError {
  const field = path.length > 0 ? formatPath(path) : undefined;
  return new CadenzaError('invalid_argument', `${field ?? root}: got ${describe(value)}, expected ${expected}`, {
    field,
  });
}

/** Parses `value` or throws the most useful of its issues as a CadenzaError. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix: Path, root: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = pickIssue(result.error.issues);
  if (issue === undefined) throw fieldError(prefix, value, 'a valid input', root);
  return throwIssue(issue, value, prefix, root);
}

/**
 * Only one issue goes into the message. An unknown field comes first: it is usually a typo
 * for a field that is then reported missing, and naming the typo explains both.
 */
function pickIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue | undefined {
  return issues.find((issue) => issue.code === 'unrecognized_keys') ?? issues[0];
}

function throwIssue(issue: z.core.$ZodIssue, input: unknown, prefix: Path, root: string): never {
  const relative = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
  const value = valueAt(input, relative);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const path = [...prefix, ...relative, key];
    const known = issue.message.split(', ');
    const hint = closest(key, known);
    const suggestion = hint === undefined ? '' : `; did you mean "${hint}"?`;
    throw new CadenzaError(
      'invalid_argument',
      `${formatPath(path)}: unknown field (got ${describe(valueAt(value, [key]))}), expected one of: ${issue.message}${suggestion}`,
      { field: formatPath(path) },
    );
  }
  // An array that is too long is better described by its size than by its text.
  if ((issue.code === 'too_big' || issue.code === 'too_small') && Array.isArray(value)) {
    throw countError([...prefix, ...relative], value.length, issue.message);
  }
  throw fieldError([...prefix, ...relative], value, issue.message, root);
}

/** The error for an array of the wrong size. */
export function countError(path: Path, count: number, expected: string): CadenzaError {
  const field = formatPath(path);
  return new CadenzaError(
    'invalid_argument',
    `${field}: got ${count} item${count === 1 ? '' : 's'}, expected ${expected}`,
    {
      field,
    },
  );
}

function valueAt(input: unknown, path: Path): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** describeValue, plus the values JSON cannot show (NaN, Infinity, bigint) and long strings' length. */
export function describe(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : `Date ${value.toISOString()}`;
  const text = describeValue(value);
  return typeof value === 'string' && value.length > 60 ? `${text} (${value.length} characters)` : text;
}

/** A known field at most two edits away (or differing only in case), to suggest for a typo. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] ?? 3;
}
