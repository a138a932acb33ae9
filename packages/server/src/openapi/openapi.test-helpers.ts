/**
 * Helpers for the OpenAPI tests: the routes fastify has, read from `printRoutes()`, and
 * the document's schemas with their references replaced by what they name, so that ajv
 * (strict) can compile one without the rest of the document around it.
 */
import type { FastifyInstance } from 'fastify';
import type { JsonSchema } from './json-schema.js';

/**
 * Every `METHOD /path` fastify routes, from its printed tree: each line is a path segment
 * under its parent (four characters of indent a level) with its methods in parentheses.
 * The HEAD routes fastify adds for each GET are left out.
 */
export function fastifyRoutes(app: FastifyInstance): Set<string> {
  const routes = new Set<string>();
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const branch = line.search(/[├└]── /);
    if (branch < 0) continue;
    const depth = branch / 4;
    const match = /^(\S+?)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(branch + 4));
    if (match === null) throw new Error(`unexpected line in printRoutes: ${line}`);
    const path = (prefixes[depth - 1] ?? '') + (match[1] ?? '');
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    for (const method of (match[2] ?? '').split(', ')) {
      if (method !== '' && method !== 'HEAD') routes.add(`${method} ${path}`);
    }
  }
  return routes;
}

/** A copy of `schema` in which every `$ref` into the document is replaced by what it names. */
export function inline(document: unknown, schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map((item) => inline(document, item));
  if (typeof schema !== 'object' || schema === null) return schema;
  const { $ref, ...rest } = schema as JsonSchema;
  if (typeof $ref === 'string') return inline(document, { ...(resolve(document, $ref) as JsonSchema), ...rest });
  return Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, inline(document, value)]));
}

/** What a local reference (`#/components/schemas/Job`) names; throws when it names nothing. */
export function resolve(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`not a local reference: ${ref}`);
  let node: unknown = document;
  for (const part of ref.slice(2).split('/')) {
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
    if (node === undefined) throw new Error(`${ref} names nothing in the document`);
  }
  return node;
}
