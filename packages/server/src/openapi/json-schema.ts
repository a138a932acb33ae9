/**
 * A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) as plain data. The document is
 * served as JSON, so nothing more precise is needed to build it.
 */
export type JsonSchema = { [keyword: string]: unknown };

/** A reference to one of the document's named schemas. */
export function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

/** A time the server writes: always `Date.prototype.toISOString()`, so strictly RFC 3339. */
export const dateTime: JsonSchema = { type: 'string', format: 'date-time' };

/** Any JSON value (payloads, results, progress). */
export const anyJson: JsonSchema = {};

/** An object with exactly these properties, the `required` ones always there. */
export function object(properties: Record<string, JsonSchema>, required: readonly string[]): JsonSchema {
  return { type: 'object', properties, required: [...required], additionalProperties: false };
}
