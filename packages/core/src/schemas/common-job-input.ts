import type { ParsedJobInput } from './job-schema.js';
import {
  IDEMPOTENCY_KEY_PATTERN,
  MAX_ATTEMPTS,
  MAX_DURATION_MS,
  MAX_TIMEOUT_MS,
  NAME_PATTERN,
  TENANT_PATTERN,
} from './limits.js';

/**
 * The shape nearly every enqueue has — a name, a payload, perhaps a tenant, a priority, a
 * number of attempts, a delay, a timeout or an idempotency key — checked by hand, about ten
 * times faster than the full schema (bulk enqueue checks 10,000 of them per call). It
 * answers the parsed input only when the full schema (`jobInputSchema`) would accept the
 * input and answer the same; for anything else — another field, a bad value — it answers
 * undefined and the full schema decides, so refusals and their messages come from one place.
 * `common-job-input.test.ts` holds the two to the same answers over generated inputs.
 */
export function commonJobInput(input: unknown): ParsedJobInput | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const proto: unknown = Object.getPrototypeOf(input);
  if (proto !== Object.prototype && proto !== null) return undefined;
  let name: string | undefined;
  let tenant: string | undefined;
  let payload: NonNullable<unknown> | undefined;
  let priority: number | undefined;
  let maxAttempts: number | undefined;
  let timeoutMs: number | undefined;
  let delayMs: number | undefined;
  let idempotencyKey: string | undefined;
  for (const key in input) {
    if (!Object.hasOwn(input, key)) return undefined;
    const value: unknown = (input as Record<string, unknown>)[key];
    // As in the full schema, null stands for a field left out.
    if (value === undefined || value === null) {
      if (!OPTIONAL.has(key)) return undefined;
      continue;
    }
    switch (key) {
      case 'name':
        if (typeof value !== 'string' || !NAME_PATTERN.test(value)) return undefined;
        name = value;
        break;
      case 'tenant':
        if (typeof value !== 'string' || !TENANT_PATTERN.test(value)) return undefined;
        tenant = value;
        break;
      case 'payload':
        payload = value;
        break;
      case 'priority':
        if (!integerIn(value, 0, 9)) return undefined;
        priority = value;
        break;
      case 'maxAttempts':
        if (!integerIn(value, 1, MAX_ATTEMPTS)) return undefined;
        maxAttempts = value;
        break;
      case 'timeoutMs':
        if (!integerIn(value, 1, MAX_TIMEOUT_MS)) return undefined;
        timeoutMs = value;
        break;
      case 'delayMs':
        if (!integerIn(value, 0, MAX_DURATION_MS)) return undefined;
        delayMs = value;
        break;
      case 'idempotencyKey':
        if (typeof value !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(value)) return undefined;
        idempotencyKey = value;
        break;
      default:
        return undefined;
    }
  }
  if (name === undefined) return undefined;
  return {
    name,
    tenant,
    payload,
    priority,
    tags: undefined,
    maxAttempts,
    backoff: undefined,
    timeoutMs,
    resources: undefined,
    delayMs,
    runAt: undefined,
    idempotencyKey,
    dependsOn: undefined,
  };
}

/** The fields of the common shape that may be left out (or given as null). */
const OPTIONAL = new Set(['tenant', 'payload', 'priority', 'maxAttempts', 'timeoutMs', 'delayMs', 'idempotencyKey']);

function integerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}
