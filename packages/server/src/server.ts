import {
  type Clock,
  checkScheduleLimits,
  DEFAULT_MAX_PAYLOAD_BYTES,
  type EnqueueResult,
  type EventLog,
  type InputLimits,
  invalidArgument,
  type Logger,
  realClock,
  type Store,
  silentLogger,
} from '@cadenza/core';
import Fastify, { type FastifyInstance } from 'fastify';
import type { NodeInfo, RouteContext } from './context.js';
import { installErrorHandlers } from './errors.js';
import { ProcessMetrics } from './metrics/process-metrics.js';
import { registerClusterRoutes } from './routes/cluster.js';
import { registerEventRoutes } from './routes/events.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerJobRoutes } from './routes/jobs.js';
import { registerScheduleRoutes } from './routes/schedules.js';

/** Room in a request body for a job's other fields, beside its payload. */
export const BODY_SLACK_BYTES = 64 * 1024;
/** Default largest body of `POST /v1/jobs/batch`. */
export const DEFAULT_MAX_BATCH_BODY_BYTES = 32 * 1024 * 1024;

export interface ServerLimits extends InputLimits {
  /** Largest request body; default the payload limit plus 64 KiB. */
  maxBodyBytes?: number;
  /** Largest body of a batch; default 32 MiB (or maxBodyBytes, if larger). */
  maxBatchBodyBytes?: number;
}

export interface ServerOptions {
  store: Store;
  clock?: Clock;
  log?: Logger;
  limits?: ServerLimits;
  node?: NodeInfo;
  /**
   * `all` (default): the whole HTTP API. `health`: only `/healthz`, `/readyz` and `/metrics`,
   * for processes that do not serve the API (a cluster's workers and coordinators).
   */
  routes?: 'all' | 'health';
  /** Called after jobs were enqueued through the API (single-node mode wakes its engine). */
  onEnqueued?: (results: readonly EnqueueResult[]) => void;
  /** Called after any other write through the API. */
  onChanged?: () => void;
  /**
   * Asked by every `/readyz`: a reason (such as a shutdown under way) makes it answer 503
   * with that reason before the store is even tried, so that a load balancer or Kubernetes
   * stops sending work to a process that is draining. Undefined: ready when the store answers.
   */
  notReady?: () => string | undefined;
  /**
   * This process's metrics, served on `/metrics`; the CLI makes them first, because its
   * worker, coordinator and store record into them too. Default: a registry of the server's own.
   */
  metrics?: ProcessMetrics;
  /** The cluster's event log, served as server-sent events on `GET /v1/events` (full API only). */
  events?: EventLog;
}

/**
 * The HTTP API of SPEC.md on a fastify instance that is not listening yet: the caller
 * (the CLI) calls `.listen()`, tests call `.inject()`. The store is not closed with the
 * server: whoever opened it closes it.
 */
export function createServer(options: ServerOptions): FastifyInstance {
  const { store } = options;
  const clock = options.clock ?? realClock;
  const log = options.log ?? silentLogger();
  const limits = checkLimits(options.limits ?? {});
  const maxPayload = limits.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const bodyLimit = limits.maxBodyBytes ?? maxPayload + BODY_SLACK_BYTES;
  const batchBodyLimit = limits.maxBatchBodyBytes ?? Math.max(DEFAULT_MAX_BATCH_BODY_BYTES, bodyLimit);

  const app = Fastify({ logger: false, bodyLimit, return503OnClosing: true });
  const metrics =
    options.metrics ?? new ProcessMetrics({ log, labels: options.node === undefined ? {} : { node: options.node.id } });

  const hook = (name: string, fn: () => void) => {
    try {
      fn();
    } catch (error) {
      log.warn({ err: error }, `server: the ${name} hook threw`);
    }
  };
  const context: RouteContext = {
    store,
    clock,
    log,
    // What core's schemas and the store apply: payload size, shortest every, schedules per tenant.
    limits,
    node: options.node,
    metrics,
    notReady: options.notReady ?? (() => undefined),
    enqueued(jobs, results) {
      // A repeated idempotency key creates nothing and counts nothing.
      metrics.enqueued(jobs.filter((_job, i) => results[i]?.created === true));
      const { onEnqueued } = options;
      if (onEnqueued !== undefined && results.some((r) => r.created)) hook('onEnqueued', () => onEnqueued(results));
    },
    changed() {
      const { onChanged } = options;
      if (onChanged !== undefined) hook('onChanged', onChanged);
    },
  };

  installJsonParser(app);
  installErrorHandlers(app, store, log);
  app.addHook('onResponse', async (request, reply) => {
    metrics.request(request.method, request.routeOptions.url ?? 'unknown', reply.statusCode);
  });

  registerHealthRoutes(app, context);
  if (options.routes === 'health') return app;
  registerJobRoutes(app, context, batchBodyLimit);
  registerScheduleRoutes(app, context);
  registerClusterRoutes(app, context);
  if (options.events !== undefined) registerEventRoutes(app, options.events, log);
  return app;
}

/** A bad limit is the deployment's mistake: refused at start, not at each request. */
function checkLimits(limits: ServerLimits): ServerLimits {
  for (const key of ['maxPayloadBytes', 'maxBodyBytes', 'maxBatchBodyBytes'] as const) {
    const value = limits[key];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
      throw invalidArgument(`limits.${key}`, value, 'a positive integer number of bytes');
    }
  }
  checkScheduleLimits(limits);
  return limits;
}

/**
 * JSON bodies through fastify's own parser (which refuses `__proto__` and `constructor`
 * keys), except that an empty body means no body, so that `POST /v1/jobs/:id/retry` works
 * from any client.
 */
function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    // The default parser is synchronous; its type also allows a promise.
    void parse(request, text, done);
  });
}
