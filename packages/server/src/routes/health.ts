import { isCadenzaError } from '@cadenza/core';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { pingStore } from '../errors.js';

/**
 * `GET /healthz`: 200 while the process runs. `GET /readyz`: 200 when the store answers,
 * else 503 with why. `GET /metrics`: Prometheus text.
 */
export function registerHealthRoutes(app: FastifyInstance, { store, metrics }: RouteContext): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    try {
      await pingStore(store);
      return { status: 'ready' };
    } catch (error) {
      const why = isCadenzaError(error) ? error.message : 'the store cannot be reached';
      return reply.code(503).send({ status: 'unavailable', error: { code: 'unavailable', message: why } });
    }
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).send(text);
  });
}
