import { isCadenzaError } from '@cadenza/core';
import type { FastifyInstance } from 'fastify';
import { checkMetricsToken } from '../auth/metrics-token.js';
import type { RouteContext } from '../context.js';
import { pingStore } from '../errors.js';
import { leaderJson } from './leader.js';

/**
 * `GET /healthz`: 200 while the process runs. `GET /readyz`: 200 when the store answers,
 * else 503 with why; a worker is ready while it claims (503 with why when its last claim
 * failed or it is above its memory ceiling); a process that runs a coordinator is ready
 * once a leader is known and reports it (id, epoch, how long ago it last ticked) and
 * whether it is this process. From the moment a shutdown begins `/readyz` answers 503 with
 * `status: 'stopping'` and the reason, while `/healthz` stays 200: a draining worker is
 * alive, it just takes no more work.
 * `GET /metrics`: Prometheus text; with a metrics token, only for a scrape that carries it.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  { store, metrics, clock, node, notReady, metricsToken }: RouteContext,
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const own = notReady();
    if (own?.status === 'stopping') {
      return reply.code(503).send({ status: 'stopping', error: { code: 'unavailable', message: own.message } });
    }
    try {
      await pingStore(store);
      if (own !== undefined) return reply.code(503).send(unavailable(own.message));
      if (node?.coordinator === undefined) return { status: 'ready' };
      const leader = leaderJson(await store.getLeadership(clock.now()), clock, node);
      // A coordinator is ready once a leader is known (itself or another): with none, no
      // schedule fires and no lost job is taken back, which is what an operator must see.
      if (leader === null) {
        return reply
          .code(503)
          .send({ ...unavailable('no leader: no coordinator holds the lease'), leader, leading: false });
      }
      return { status: 'ready', leader, leading: leader.id === node.id };
    } catch (error) {
      const why = isCadenzaError(error) ? error.message : 'the store cannot be reached';
      return reply.code(503).send(unavailable(why));
    }
  });

  // Served by every process, whatever its role: see ProcessMetrics.
  app.get('/metrics', async (request, reply) => {
    if (metricsToken !== undefined) checkMetricsToken(request, metricsToken);
    const text = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).send(text);
  });
}

function unavailable(message: string) {
  return { status: 'unavailable', error: { code: 'unavailable', message } };
}
