import { createHash, timingSafeEqual } from 'node:crypto';
import { CadenzaError } from '@cadenza/core';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from './guard.js';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Refuses a scrape of `/metrics` (401 `unauthorized`) unless it carries `Authorization:
 * Bearer <token>` of the given token, compared in constant time (both hashed, so their
 * lengths do not show either). Metrics tell tenants' names and volumes: a deployment whose
 * metrics port others can reach may want them closed.
 */
export function checkMetricsToken(request: FastifyRequest, token: string): void {
  const presented = bearerToken(request);
  if (presented !== undefined && timingSafeEqual(digest(presented), digest(token))) return;
  throw new CadenzaError(
    'unauthorized',
    presented === undefined
      ? 'authorization: missing; /metrics expects the header "Authorization: Bearer <metrics token>"'
      : 'authorization: not the metrics token of this process',
    { field: 'authorization' },
  );
}
