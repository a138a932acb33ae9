import { isCadenzaError } from '@cadenza/core';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { pingStore } from '../errors.js';
import { leaderJson } from './leader.js';

/**
 * `GET /healthz`: 200 while the process runs. `GET /readyz`: 200 when the store answers,
 * else 503 with why; a process that runs a coordinator also reports the cluster's leader
 * (id, epoch, how long ago it last ticked) and whether it is this process. From the moment
 * a shutdown begins `/readyz` answers 503 with `status: 'stopping'` and the reason, while
 * `/healthz` stays 200: a draining worker is alive, it just takes no more work.
 * `GET /metrics`: Prometheus text.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  { store, metrics, clock, node, notReady }: RouteContext,
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const stopping = notReady();
    if (stopping !== undefined) {
      return reply.code(503).send({ status: 'stopping', error: { code: 'unavailable', message: stopping } });
    }
    try {
      await pingStore(store);
      if (node?.coordinator === undefined) return { status: 'ready' };
      const leader = leaderJson(await store.getLeadership(clock.now()), clock, node);
      return { status: 'ready', leader, leading: leader?.id === node.id };
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
