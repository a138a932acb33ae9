import {
  CadenzaError,
  describeValue,
  type ErrorCode,
  HTTP_STATUS,
  isCadenzaError,
  type Logger,
  type Store,
} from '@cadenza/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { settleUnreadBody } from './unread-body.js';

/**
 * Every error the API answers with has the shape `{error: {code, message}}`, a code from
 * core's catalogue and the HTTP status core's `HTTP_STATUS` gives it. Errors that are not
 * ours are never shown as they are: a store that cannot be reached answers 503
 * `unavailable`; anything else answers 500 with a generic message, and is logged.
 */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** The code of a 500: not in the catalogue, since it is never the caller's doing. */
export const INTERNAL_CODE = 'internal';

/** How long the error handler waits for `store.ping()` when deciding between 503 and 500. */
const PING_TIMEOUT_MS = 1000;

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Sends a catalogue error. */
export function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  return reply.code(HTTP_STATUS[code]).send(errorBody(code, message));
}

/** Fastify's own errors (body parsing, routing) translated into the catalogue. */
export function fromFastifyError(error: FastifyError, request: FastifyRequest): CadenzaError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new CadenzaError(
        'payload_too_large',
        `body: larger than the ${request.routeOptions.bodyLimit} bytes this route accepts`,
        { field: 'body' },
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new CadenzaError(
        'invalid_argument',
        `content-type: got ${describeValue(request.headers['content-type'])}, expected application/json`,
        { field: 'content-type' },
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new CadenzaError(
        'invalid_argument',
        'body: got text that is not valid JSON (or that sets __proto__ or constructor), expected a JSON document',
        { field: 'body' },
      );
    default:
      break;
  }
  // Other 4xx of fastify's own (a body shorter than its content-length…); errors of other
  // origins are never taken for the caller's fault because they carry a statusCode.
  const fastifys = typeof error.code === 'string' && error.code.startsWith('FST_');
  if (fastifys && error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    if (error.statusCode === 413) return new CadenzaError('payload_too_large', 'body: too large', { field: 'body' });
    return new CadenzaError('invalid_argument', `body: ${lowerFirst(error.message)}; expected a JSON document`, {
      field: 'body',
    });
  }
  return undefined;
}

function lowerFirst(text: string): string {
  return text.length === 0 ? 'not valid' : text.charAt(0).toLowerCase() + text.slice(1);
}

/** Resolves when the store answers within PING_TIMEOUT_MS; rejects with why not. */
export async function pingStore(store: Store): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new CadenzaError('unavailable', `the store did not answer within ${PING_TIMEOUT_MS} ms`)),
      PING_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([store.ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves true when the store answers within PING_TIMEOUT_MS. */
export function storeAnswers(store: Store): Promise<boolean> {
  return pingStore(store).then(
    () => true,
    () => false,
  );
}

/** Installs the error and not-found handlers on `app`. */
export function installErrorHandlers(app: FastifyInstance, store: Store, log: Logger): void {
  app.setNotFoundHandler(async (request, reply) => {
    await settleUnreadBody(request, reply);
    return sendError(reply, 'not_found', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`);
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    // A refused body may still be arriving: the client must be able to read this answer.
    await settleUnreadBody(request, reply);
    const known = isCadenzaError(error) ? error : fromFastifyError(error, request);
    if (known !== undefined) {
      if (known.code === 'unavailable') log.warn({ err: error, url: request.url }, 'store unavailable');
      return reply.code(HTTP_STATUS[known.code]).send(errorBody(known.code, known.message));
    }
    if (!(await storeAnswers(store))) {
      log.warn({ err: error, url: request.url }, 'store unreachable');
      return sendError(reply, 'unavailable', 'the store cannot be reached; try again later');
    }
    log.error({ err: error, method: request.method, url: request.url }, 'request failed');
    return reply.code(500).send(errorBody(INTERNAL_CODE, 'internal error; see the server log'));
  });
}

/**
 * The longest path parameter fastify routes, as sent: an id of 128 characters with every one
 * percent-encoded (`%3A` for `:`). Fastify's default of 100 answered valid ids with 414.
 */
export const MAX_PARAM_LENGTH = 3 * 128;

/**
 * Errors fastify raises before it routes a request (a path parameter longer than
 * MAX_PARAM_LENGTH, a path that is not valid percent-encoding), answered 400
 * `invalid_argument` like every other refusal instead of in fastify's own shape. The body,
 * if any, is left unread, so the connection is closed after the answer.
 */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? `id: got more than ${MAX_PARAM_LENGTH} characters, expected a name: 1 to 128 characters of A-Z, a-z, 0-9, ".", "_", ":" and "-"`
      : 'path: got text that is not valid percent-encoding, expected a path of this API';
  void reply.header('connection', 'close').code(400).send(errorBody('invalid_argument', message));
}
