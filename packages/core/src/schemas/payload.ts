import { CadenzaError } from '../errors.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, type InputLimits } from './limits.js';
import { fieldError, formatPath, type Path } from './zod-errors.js';

const EXPECTED_JSON = 'JSON: null, a boolean, a finite number, a string, an array or a plain object';

interface Visit {
  value: unknown;
  parent: Visit | undefined;
  key: string | number;
}

/**
 * A payload must survive a trip through JSON unchanged, since every store but memory keeps
 * it as JSON text: so no undefined in arrays, no NaN, no Dates, Maps or class instances
 * (JSON.stringify would silently turn them into something else). An object property set
 * to undefined is allowed: it means absent. Then its JSON text must fit `maxBytes`.
 *
 * The walk is iterative, not recursive, because a payload parsed from an HTTP body can nest
 * deeper than the call stack.
 */
export function checkPayload(payload: unknown, path: Path, maxBytes: number): void {
  if (!quickJson(payload, { left: QUICK_BUDGET }, 0)) {
    const bad = findNonJson(payload);
    if (bad !== undefined) throw fieldError([...path, ...pathOf(bad)], bad.value, EXPECTED_JSON);
  }
  let json: string;
  try {
    json = JSON.stringify(payload);
  } catch (error) {
    // A cycle (TypeError) or nesting deeper than the serialiser's stack (RangeError).
    const what = error instanceof RangeError ? 'a value nested too deeply to serialise' : 'a circular structure';
    throw new CadenzaError('invalid_argument', `${formatPath(path)}: got ${what}, expected ${EXPECTED_JSON}`, {
      field: formatPath(path),
      cause: error,
    });
  }
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > maxBytes) {
    throw new CadenzaError(
      'payload_too_large',
      `${formatPath(path)}: got ${bytes} bytes of JSON, expected at most ${maxBytes} bytes`,
      { field: formatPath(path) },
    );
  }
}

/** Values the quick check looks at before it leaves a payload to the full walk. */
const QUICK_BUDGET = 256;
const QUICK_DEPTH = 16;

/**
 * True when a small payload is plain JSON, found without the full walk's bookkeeping (no
 * visit records, no set of seen objects): most payloads are a few fields. False means
 * "not shown here" — a bad value, or more values or depth than the budget (which also
 * stops a cycle) — and the full walk decides and names the bad value's path.
 */
function quickJson(value: unknown, budget: { left: number }, depth: number): boolean {
  if (--budget.left < 0) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth >= QUICK_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (item === undefined || !quickJson(item, budget, depth + 1)) return false;
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item: unknown = (value as Record<string, unknown>)[key];
    if (item !== undefined && !quickJson(item, budget, depth + 1)) return false;
  }
  return true;
}

function findNonJson(root: unknown): Visit | undefined {
  const stack: Visit[] = [{ value: root, parent: undefined, key: '' }];
  // Shared sub-objects are visited once; a cycle is left to JSON.stringify to report.
  const seen = new Set<object>();
  for (let visit = stack.pop(); visit !== undefined; visit = stack.pop()) {
    const { value } = visit;
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (Number.isFinite(value)) continue;
      return visit;
    }
    if (typeof value !== 'object') return visit;
    if (seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const item: unknown = value[i];
        if (item === undefined) return { value: item, parent: visit, key: i };
        stack.push({ value: item, parent: visit, key: i });
      }
      continue;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return visit;
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i];
      if (entry !== undefined && entry[1] !== undefined) stack.push({ value: entry[1], parent: visit, key: entry[0] });
    }
  }
  return undefined;
}

function pathOf(visit: Visit): (string | number)[] {
  const path: (string | number)[] = [];
  for (let v: Visit | undefined = visit; v?.parent !== undefined; v = v.parent) path.unshift(v.key);
  return path;
}

/** The payload limit in force; a bad limit is the deployment's mistake, named as such. */
export function maxPayloadBytes(limits: InputLimits | undefined): number {
  const max = limits?.maxPayloadBytes;
  if (max === undefined) return DEFAULT_MAX_PAYLOAD_BYTES;
  if (!Number.isSafeInteger(max) || max < 1) {
    throw fieldError(['limits', 'maxPayloadBytes'], max, 'a positive integer number of bytes');
  }
  return max;
}
