import { z } from 'zod';
import { parseInstant } from './instant.js';
import {
  EXPECTED,
  IDEMPOTENCY_KEY_PATTERN,
  MAX_RESOURCE_UNITS,
  MAX_RESOURCES,
  NAME_PATTERN,
  TENANT_PATTERN,
} from './limits.js';

/**
 * Building blocks for the input schemas. Each one carries its "expected …" wording as the
 * message of every issue it can raise, so that zod-errors.ts can build a message that
 * names the field, the value and what was expected.
 */

/** A strict object: an unknown field is an issue whose message lists the known fields. */
export function strictObject<S extends z.core.$ZodLooseShape>(shape: S, expected: string) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? known : expected),
  });
}

/**
 * An optional field. JSON clients often send null for a field they leave out (as the time
 * module also reads it), so null means absent too; the output is never null.
 */
export function optional<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value) => value ?? undefined);
}

export function integer(min: number, max: number, expected: string) {
  return z.int({ error: expected }).min(min, { error: expected }).max(max, { error: expected });
}

export function matching(pattern: RegExp, expected: string) {
  return z.string({ error: expected }).regex(pattern, { error: expected });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, expected: string) {
  return z.enum(values, { error: expected });
}

export function boolean(expected: string) {
  return z.boolean({ error: expected });
}

/** A string of bounded length; the meaning is checked elsewhere (cron, zone names). */
export function text(maxLength: number, expected: string) {
  return z.string({ error: expected }).min(1, { error: expected }).max(maxLength, { error: expected });
}

export const tenantSchema = matching(TENANT_PATTERN, EXPECTED.tenant);
export const nameSchema = matching(NAME_PATTERN, EXPECTED.name);
export const idempotencyKeySchema = matching(IDEMPOTENCY_KEY_PATTERN, EXPECTED.idempotencyKey);
export const prioritySchema = integer(0, 9, EXPECTED.priority);

/** An array of names, at most `max`, without repeats (tags, dependsOn). */
export function distinctNames(max: number, expected: string, what: string) {
  return z
    .array(nameSchema, { error: expected })
    .max(max, { error: expected })
    .superRefine((items, ctx) => {
      const seen = new Map<string, number>();
      items.forEach((item, index) => {
        const first = seen.get(item);
        if (first === undefined) seen.set(item, index);
        else
          ctx.addIssue({
            code: 'custom',
            path: [index],
            message: `${what} not already in the list (it repeats item ${first})`,
          });
      });
    });
}

/** An ISO-8601 instant with an offset (or a Date), as epoch milliseconds. */
export const instantSchema = z.union([z.string(), z.date()], { error: EXPECTED.instant }).transform((value, ctx) => {
  const ms = parseInstant(value);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: EXPECTED.instant });
  return ms ?? Number.NaN;
});

/**
 * A job's named resources (`{ gpu: 1, db: 2 }`): names like a job name, whole units. A
 * bad entry is named by its resource (`resources.gpu`).
 */
export const resourcesSchema = z
  .record(z.string(), z.unknown(), { error: EXPECTED.resources })
  .superRefine((value, ctx) => {
    const entries = Object.entries(value);
    if (entries.length > MAX_RESOURCES) ctx.addIssue({ code: 'custom', message: EXPECTED.resources });
    for (const [name, units] of entries) {
      if (!NAME_PATTERN.test(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: `a resource named like a job name (${EXPECTED.name})` });
      } else if (typeof units !== 'number' || !Number.isSafeInteger(units) || units < 1 || units > MAX_RESOURCE_UNITS) {
        ctx.addIssue({ code: 'custom', path: [name], message: EXPECTED.resourceUnits });
      }
    }
  })
  // Checked above: every value is a whole number of units.
  .transform((value) => value as Record<string, number>);
