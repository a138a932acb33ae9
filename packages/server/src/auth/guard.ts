import { CadenzaError } from '@cadenza/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Grant } from './grant.js';
import type { TokenTable } from './tokens.js';

/** The grant of each request the guard let through (a request is not decorated: no fastify types to extend). */
const GRANTS = new WeakMap<FastifyRequest, Grant>();

/** What `request` may do: its token's grant, or the open grant on a server without tokens. */
export function grantOf(request: FastifyRequest): Grant {
  return GRANTS.get(request) ?? Grant.OPEN;
}

const BEARER = /^Bearer +(\S+) *$/i;

/** The token of a request's `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
}

/**
 * Every `/v1` request must carry `Authorization: Bearer <token>` of a token in `tokens()`
 * (asked at each request, so that a reloaded file applies to the next one): none, or one not
 * in the table, is 401 `unauthorized`, answered before the body is read. Health, metrics
 * and the OpenAPI document stay open: probes and scrapers carry no token.
 */
export function installTokenGuard(app: FastifyInstance, tokens: () => TokenTable): void {
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/v1/') && request.url !== '/v1') return;
    const token = bearerToken(request);
    if (token === undefined) {
      throw new CadenzaError(
        'unauthorized',
        'authorization: missing; expected the header "Authorization: Bearer <token>"',
        {
          field: 'authorization',
        },
      );
    }
    const grant = tokens().grantOf(token);
    if (grant === undefined) {
      throw new CadenzaError('unauthorized', 'authorization: not a token of this server', { field: 'authorization' });
    }
    GRANTS.set(request, grant);
  });
}
