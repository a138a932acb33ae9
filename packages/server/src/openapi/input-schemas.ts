import { jobBatchSchema, jobInputSchema, scheduleInputSchema, schedulePreviewSchema } from '@cadenza/core';
import { type JsonSchema, ref } from './json-schema.js';

/**
 * The request bodies, generated from the very zod schemas that check them (core's
 * schemas/), so that the document cannot drift from what the server accepts.
 */

/** What zod's converter hands an `override` callback; only the parts used here. */
interface OverrideContext {
  zodSchema: { _zod: { def: { type: string; options?: readonly { _zod: { def: { type: string } } }[] } } };
  jsonSchema: JsonSchema;
}

/** Core's schemas are zod schemas; this is the one method of theirs used here. */
interface ZodLike {
  toJSONSchema(params: {
    target: 'draft-2020-12';
    io: 'input';
    unrepresentable: 'any';
    override: (ctx: OverrideContext) => void;
  }): JsonSchema;
}

const INSTANT_DESCRIPTION = 'An ISO-8601 date-time with a UTC offset or Z, such as "2026-01-01T09:00:00Z".';

/**
 * An instant is a string or a Date in core's schema; over HTTP only the string can arrive,
 * so the Date branch (which JSON Schema cannot express) is left out. The string is not
 * given `format: date-time`: the server also takes forms RFC 3339 does not (no seconds,
 * an offset without a colon), and the document must not refuse what the server takes.
 */
function instantsAsStrings(ctx: OverrideContext): void {
  const { def } = ctx.zodSchema._zod;
  if (def.type !== 'union' || !(def.options ?? []).some((option) => option._zod.def.type === 'date')) return;
  for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
  Object.assign(ctx.jsonSchema, { type: 'string', description: INSTANT_DESCRIPTION });
}

/**
 * A body's schema as a client sends it (zod's input side: optional fields may be null).
 * The `$schema` keyword is dropped: the document's dialect already says 2020-12.
 */
export function inputSchema(schema: ZodLike): JsonSchema {
  const { $schema: _dialect, ...rest } = schema.toJSONSchema({
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: instantsAsStrings,
  });
  return rest;
}

/**
 * Drops the `null` that an optional field of a body also accepts (zod writes it either as
 * an `anyOf` branch or in a list of types), for answers that never hold it.
 */
export function withoutNull(schema: JsonSchema | undefined): JsonSchema {
  if (schema === undefined) throw new Error('openapi: a field the answer shares with a body is missing from it');
  const { anyOf, type } = schema;
  if (Array.isArray(type)) {
    const rest = type.filter((t) => t !== 'null');
    return { ...schema, type: rest.length === 1 ? rest[0] : rest };
  }
  if (!Array.isArray(anyOf)) return schema;
  const rest = anyOf.filter((option: JsonSchema) => option.type !== 'null');
  return rest.length === 1 ? (rest[0] as JsonSchema) : { ...schema, anyOf: rest };
}

/** The properties of an object schema generated above. */
export function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> {
  return (schema.properties ?? {}) as Record<string, JsonSchema>;
}

const batch = inputSchema(jobBatchSchema);
const batchJobs = propertiesOf(batch).jobs ?? {};

/** The request bodies by their names in `components.schemas`. */
export const INPUT_SCHEMAS: Record<string, JsonSchema> = {
  JobInput: inputSchema(jobInputSchema),
  // Core checks the array with jobBatchSchema, then each item with the job schema.
  JobBatchInput: { ...batch, properties: { ...propertiesOf(batch), jobs: { ...batchJobs, items: ref('JobInput') } } },
  ScheduleInput: {
    ...inputSchema(scheduleInputSchema),
    description:
      'Exactly one trigger: cron (with tz), every (with startAt), at, or manual: true. A body tenant must agree with ?tenant=.',
  },
  SchedulePreviewInput: {
    ...inputSchema(schedulePreviewSchema),
    description:
      'A trigger as in ScheduleInput (the same rules and messages), and the fires to list: count (default 5) after the instant after (default now).',
  },
};
