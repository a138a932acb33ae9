import { ERROR_CODES, type ErrorCode, HTTP_STATUS } from '@cadenza/core';
import { INTERNAL_CODE } from '../errors.js';
import { type JsonSchema, object } from './json-schema.js';

/**
 * The error answers, one named response per code of core's catalogue (errors.ts: every
 * error is `{error: {code, message}}` with the status `HTTP_STATUS` gives its code), plus
 * the 500 `internal` of an error that is not the caller's doing.
 */
export type ErrorName = ErrorCode | typeof INTERNAL_CODE;

const DESCRIPTIONS: Record<ErrorName, string> = {
  invalid_argument:
    'A bad body, path or query parameter (unknown or repeated parameters too), or a content type other than JSON; the message starts with the field at fault.',
  unauthorized: 'No bearer token, or one the server does not know.',
  forbidden:
    "The token does not allow this request (its scopes or tenants), or, on a server that answers loopback names only, the request's Host is another name.",
  not_found: 'No such job, schedule or route.',
  conflict: 'The job is in a state that does not allow this (final already, or not failed).',
  payload_too_large: "The body or a payload is larger than the server's limit.",
  resource_exhausted:
    "A limit of the deployment was reached (schedules per tenant, event clients, a token's requests a second); try again later.",
  unavailable: 'The store does not answer; try again later.',
  internal: "An error that is not the caller's doing; its details are in the server log only.",
};

/** The error body with `code` fixed to one code. */
function errorSchema(code: ErrorName): JsonSchema {
  return object({ error: object({ code: { const: code }, message: { type: 'string' } }, ['code', 'message']) }, [
    'error',
  ]);
}

/** The HTTP status each error answers with. */
export function errorStatus(code: ErrorName): number {
  return code === INTERNAL_CODE ? 500 : HTTP_STATUS[code];
}

/** The name of a code's response in `components.responses`: `not_found` is `NotFound`. */
export function errorResponseName(code: ErrorName): string {
  return code.replace(/(^|_)([a-z])/g, (_match, _sep, letter: string) => letter.toUpperCase());
}

/** Every error response, by its name in `components.responses`. */
export function errorResponses(): Record<string, JsonSchema> {
  const responses: Record<string, JsonSchema> = {};
  for (const code of [...ERROR_CODES, INTERNAL_CODE] as const) {
    responses[errorResponseName(code)] = {
      description: DESCRIPTIONS[code],
      content: { 'application/json': { schema: errorSchema(code) } },
    };
  }
  return responses;
}
