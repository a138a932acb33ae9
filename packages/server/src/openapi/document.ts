import { type ErrorName, errorResponseName, errorResponses, errorStatus } from './error-responses.js';
import { INPUT_SCHEMAS } from './input-schemas.js';
import type { JsonSchema } from './json-schema.js';
import { OUTPUT_SCHEMAS } from './output-schemas.js';
import { PARAMETERS } from './parameters.js';
import { ROUTES, type RouteDoc } from './routes-table.js';
import { SERVER_VERSION } from './version.js';

/** The OpenAPI 3.1 document of the HTTP API, as served on `GET /openapi.json`. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  jsonSchemaDialect: string;
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, JsonSchema>>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, JsonSchema>;
    responses: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
  };
}

export interface DocumentOptions {
  /** Whether this server streams events (`GET /v1/events` exists only when it was given an event log). */
  events: boolean;
}

/** The name of the bearer-token scheme in `components.securitySchemes`. */
export const BEARER = 'bearer';

/**
 * Errors any /v1 route can answer: a bad or unknown query parameter, a missing or refused
 * token, a token over its requests a second (429), a store that does not answer, and the 500
 * of an error that is not the caller's.
 */
const V1_ERRORS: readonly ErrorName[] = [
  'invalid_argument',
  'unauthorized',
  'forbidden',
  'resource_exhausted',
  'unavailable',
  'internal',
];
/** Any route at all is refused 403 on a server that answers loopback names only, when addressed to another. */
const ANY_ROUTE_ERRORS: readonly ErrorName[] = ['forbidden'];

/** `/v1/jobs/:id` as OpenAPI writes paths: `/v1/jobs/{id}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function operation(route: RouteDoc): JsonSchema {
  const v1 = route.url.startsWith('/v1/');
  const responses: Record<string, JsonSchema> = {};
  for (const [status, answer] of Object.entries(route.answers)) {
    responses[status] = {
      description: answer.description,
      content: { [answer.mediaType ?? 'application/json']: { schema: answer.schema } },
    };
  }
  const errors = [...(v1 ? V1_ERRORS : ANY_ROUTE_ERRORS), ...(route.errors ?? [])];
  for (const code of errors) {
    responses[String(errorStatus(code))] = { $ref: `#/components/responses/${errorResponseName(code)}` };
  }
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.parameters === undefined
      ? {}
      : { parameters: route.parameters.map((name) => ({ $ref: `#/components/parameters/${name}` })) }),
    ...(route.body === undefined
      ? {}
      : {
          requestBody: {
            description: route.body.description,
            required: route.body.required,
            content: { 'application/json': { schema: route.body.schema } },
          },
        }),
    // Statuses in order, successes first.
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b))),
    // The API under /v1 takes a bearer token; health, metrics and this document never do.
    security: v1 ? [{ [BEARER]: [] }] : [],
  };
}

/** The document for a server with these options; it holds nothing that changes while the server runs. */
export function openApiDocument(options: DocumentOptions): OpenApiDocument {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of ROUTES) {
    if (route.needsEvents === true && !options.events) continue;
    const path = openApiPath(route.url);
    paths[path] = { ...paths[path], [route.method]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'cadenza HTTP API',
      version: SERVER_VERSION,
      description:
        'Enqueue, inspect, cancel and retry jobs, manage schedules, follow events, and read the state of the cluster. Errors are {error: {code, message}}; the message starts with the field at fault.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [
      { name: 'jobs', description: 'Enqueue, read, list, cancel and retry jobs.' },
      { name: 'schedules', description: 'Schedules: cron, every, at or manual; ids are unique within a tenant.' },
      { name: 'events', description: 'Job and schedule events as server-sent events.' },
      { name: 'cluster', description: 'Leader, processes and queue counts.' },
      { name: 'health', description: 'Liveness, readiness, metrics and this document; no token needed.' },
    ],
    paths,
    components: {
      schemas: { ...INPUT_SCHEMAS, ...OUTPUT_SCHEMAS },
      parameters: PARAMETERS,
      responses: errorResponses(),
      securitySchemes: {
        [BEARER]: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token the server was configured with: Authorization: Bearer <token>.',
        },
      },
    },
  };
}
