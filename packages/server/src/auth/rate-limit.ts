import { CadenzaError, type Clock, refill } from '@cadenza/core';
import type { FastifyInstance } from 'fastify';
import { grantOf } from './guard.js';

/**
 * Each token's requests to `/v1`, at most `perSecond` a second on average, with a burst of
 * one second's worth: a token bucket per token (core's `refill`), on this process's clock.
 * Past it a request is answered 429 `resource_exhausted` with `Retry-After`, before its body
 * is read or anything is done: one client in a loop cannot starve the others or the store.
 * Each server counts on its own; a cluster of n servers lets a token through n times as fast.
 */
export function installTokenRateLimit(app: FastifyInstance, perSecond: number, clock: Clock): void {
  const limits = { rate: perSecond, burst: perSecond };
  const buckets = new Map<string, { tokens: number; at: number }>();
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v1/')) return;
    const { name } = grantOf(request);
    const now = clock.now();
    const bucket = refill(buckets.get(name), limits, now);
    if (bucket.tokens >= 1) {
      buckets.set(name, { tokens: bucket.tokens - 1, at: bucket.at });
      return;
    }
    buckets.set(name, bucket);
    const waitMs = Math.ceil(((1 - bucket.tokens) * 1000) / perSecond);
    reply.header('retry-after', String(Math.max(1, Math.ceil(waitMs / 1000))));
    throw new CadenzaError(
      'resource_exhausted',
      `rate: token ${JSON.stringify(name)} is over its ${perSecond} requests a second on this server; try again in ${waitMs} ms`,
    );
  });
}
