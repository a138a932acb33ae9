import {
  type Clock,
  checkScheduleLimits,
  DEFAULT_MAX_PAYLOAD_BYTES,
  definedOnly,
  type EnqueueResult,
  type EventLog,
  type InputLimits,
  invalidArgument,
  type Logger,
  realClock,
  type Store,
  silentLogger,
} from '@cadenza/core';
import { dashboardFiles } from '@cadenza/dashboard';
import Fastify, { type FastifyInstance } from 'fastify';
import { installTokenGuard } from './auth/guard.js';
import { installLoopbackHostCheck } from './auth/host-check.js';
import { installTokenRateLimit } from './auth/rate-limit.js';
import type { TokenTable } from './auth/tokens.js';
import type { NodeInfo, NotReady, RouteContext } from './context.js';
import { answerFrameworkError, installErrorHandlers, MAX_PARAM_LENGTH } from './errors.js';
import { EventFeed } from './events/event-feed.js';
import { instrumentStore } from './metrics/instrument-store.js';
import { ProcessMetrics } from './metrics/process-metrics.js';
import { registerOpenApiRoute } from './openapi/route.js';
import { registerActivityRoutes } from './routes/activity.js';
import { registerClusterRoutes } from './routes/cluster.js';
import { registerEventRoutes } from './routes/events.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerJobRoutes } from './routes/jobs.js';
import { registerSchedulePreviewRoute } from './routes/schedule-preview.js';
import { registerScheduleRoutes } from './routes/schedules.js';
import { registerUiRoutes } from './routes/ui.js';

/** Room in a request body for a job's other fields, beside its payload. */
export const BODY_SLACK_BYTES = 64 * 1024;
/** Default largest body of `POST /v1/jobs/batch`. */
export const DEFAULT_MAX_BATCH_BODY_BYTES = 32 * 1024 * 1024;
/** Default most clients of `GET /v1/events` at once, per process. */
export const DEFAULT_MAX_EVENT_CLIENTS = 1000;
/** Default most bytes waiting for one SSE client before it is dropped as not reading. */
export const DEFAULT_MAX_EVENT_BUFFER_BYTES = 1024 * 1024;
/**
 * Default time a request may take to arrive whole, headers and body: long enough for the
 * largest batch body (32 MiB) at about half a MiB a second, short enough that a client
 * trickling a body ("slowloris") holds its connection a minute at most. Node answers 408.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/**
 * Default time a connection may stay silent (nothing read or written) before it is
 * destroyed: longer than keep-alive's 72 s, so that idle keep-alive connections are closed
 * by that rule first, and than a request's minute; it ends connections that are neither.
 * Event streams are exempt (they write a keepalive comment every 15 s anyway).
 */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 90_000;

export interface ServerLimits extends InputLimits {
  /** Largest request body; default the payload limit plus 64 KiB. */
  maxBodyBytes?: number;
  /** Largest body of a batch; default 32 MiB (or maxBodyBytes, if larger). */
  maxBatchBodyBytes?: number;
  /** Most clients of `GET /v1/events` at once; the next is answered 429. Default 1,000. */
  maxEventClients?: number;
  /** Most bytes waiting for one SSE client; past it the client is dropped. Default 1 MiB. */
  maxEventBufferBytes?: number;
}

export interface ServerTimeouts {
  /** Time for a whole request to arrive; default 60 s (DEFAULT_REQUEST_TIMEOUT_MS). */
  requestMs?: number;
  /** Time a connection may stay silent; default 90 s (DEFAULT_CONNECTION_TIMEOUT_MS). */
  connectionMs?: number;
}

export interface ServerOptions {
  store: Store;
  clock?: Clock;
  log?: Logger;
  limits?: ServerLimits;
  timeouts?: ServerTimeouts;
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
   * Asked once by every `/readyz`: the process's own readiness, decided in one place by its
   * caller (the CLI: shutting down, or its worker not claiming). A shutdown under way
   * answers 503 before the store is even tried, so that a load balancer or Kubernetes stops
   * sending work to a process that is draining. Undefined: ready when the store answers
   * (and, for a process that runs a coordinator, a leader is known).
   */
  notReady?: () => NotReady | undefined;
  /**
   * This process's metrics, served on `/metrics`; the CLI makes them first, because its
   * worker, coordinator and store record into them too. Given, `store` is expected to be
   * instrumented into them already (instrumentStore): that is where the jobs it creates are
   * counted. Default: a registry of the server's own, and the store instrumented into it here.
   */
  metrics?: ProcessMetrics;
  /** The cluster's event log, served as server-sent events on `GET /v1/events` (full API only). */
  events?: EventLog;
  /**
   * The tokens `/v1` requests must carry (`Authorization: Bearer <token>`), asked at every
   * request so that a table read again (the CLI's SIGHUP) applies at once. Undefined: no
   * token is asked for (the CLI allows that on a loopback address only).
   */
  tokens?: () => TokenTable;
  /**
   * Answer only requests whose `Host` is a loopback name (403 otherwise): for a server with no
   * tokens on a loopback address, which a browser page could otherwise reach through a name
   * of its own (DNS rebinding).
   */
  loopbackHostsOnly?: boolean;
  /** The token `GET /metrics` must carry (`Authorization: Bearer`); undefined: open to every scraper. */
  metricsToken?: string;
  /**
   * With `tokens`: each token's `/v1` requests per second on this server (a burst of one
   * second's worth), 429 past it. Default 1,000; 0 turns the limit off.
   */
  requestsPerSecond?: number;
  /**
   * Serve the dashboard (packages/dashboard) at `/ui/` beside the API; its files need no
   * token. Default off; `cadenza server` and `cadenza dev` turn it on unless `--no-ui`.
   */
  ui?: boolean;
}

/** Default requests a second per token, per server. */
export const DEFAULT_REQUESTS_PER_SECOND = 1000;

/**
 * The HTTP API (packages/server/README.md) on a fastify instance that is not listening yet: the caller
 * (the CLI) calls `.listen()`, tests call `.inject()`. The store is not closed with the
 * server: whoever opened it closes it.
 */
export function createServer(options: ServerOptions): FastifyInstance {
  const clock = options.clock ?? realClock;
  const log = options.log ?? silentLogger();
  const limits = checkLimits(options.limits ?? {});
  const maxPayload = limits.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const bodyLimit = limits.maxBodyBytes ?? maxPayload + BODY_SLACK_BYTES;
  const batchBodyLimit = limits.maxBatchBodyBytes ?? Math.max(DEFAULT_MAX_BATCH_BODY_BYTES, bodyLimit);

  const timeouts = checkTimeouts(options.timeouts ?? {});

  const requestTimeout = timeouts.requestMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const app = Fastify({
    logger: false,
    bodyLimit,
    return503OnClosing: true,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: answerFrameworkError,
    requestTimeout,
    connectionTimeout: timeouts.connectionMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    // Node takes the request timeout at its server's construction (set later, it is not
    // enforced), and looks for requests past it every 30 s by default: a 60 s limit would
    // end a request after 60 to 90 s. Looking four times per limit keeps it within 25%.
    http: { requestTimeout, connectionsCheckingInterval: checkingInterval(requestTimeout) },
  });
  const metrics =
    options.metrics ?? new ProcessMetrics({ log, labels: options.node === undefined ? {} : { node: options.node.id } });
  // Jobs created are counted at the store, once whichever path created them (instrument-store.ts).
  const store = options.metrics === undefined ? instrumentStore(options.store, metrics) : options.store;

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
    ...definedOnly({ metricsToken: options.metricsToken }),
    metrics,
    notReady: options.notReady ?? (() => undefined),
    enqueued(results) {
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
  if (options.loopbackHostsOnly === true) installLoopbackHostCheck(app);
  if (options.tokens !== undefined) {
    installTokenGuard(app, options.tokens);
    const perSecond = options.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND;
    if (!Number.isSafeInteger(perSecond) || perSecond < 0) {
      throw invalidArgument('requestsPerSecond', perSecond, 'a whole number of requests a second, 0 for no limit');
    }
    if (perSecond > 0) installTokenRateLimit(app, perSecond, clock);
  }
  app.addHook('onResponse', async (request, reply) => {
    metrics.request(request.method, request.routeOptions.url ?? 'unknown', reply.statusCode);
  });

  registerHealthRoutes(app, context);
  if (options.routes === 'health') return app;
  registerJobRoutes(app, context, batchBodyLimit);
  registerScheduleRoutes(app, context);
  registerSchedulePreviewRoute(app, context);
  registerActivityRoutes(app, context);
  registerClusterRoutes(app, context);
  if (options.ui === true) registerUiRoutes(app, dashboardFiles());
  registerOpenApiRoute(app, { events: options.events !== undefined });
  if (options.events !== undefined) {
    registerEventRoutes(app, {
      feed: new EventFeed(options.events, { log, clock }),
      log,
      metrics,
      maxClients: limits.maxEventClients ?? DEFAULT_MAX_EVENT_CLIENTS,
      maxBufferedBytes: limits.maxEventBufferBytes ?? DEFAULT_MAX_EVENT_BUFFER_BYTES,
    });
  }
  return app;
}

/** A bad limit is the deployment's mistake: refused at start, not at each request. */
function checkLimits(limits: ServerLimits): ServerLimits {
  for (const key of ['maxPayloadBytes', 'maxBodyBytes', 'maxBatchBodyBytes', 'maxEventBufferBytes'] as const) {
    const value = limits[key];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
      throw invalidArgument(`limits.${key}`, value, 'a positive integer number of bytes');
    }
  }
  const clients = limits.maxEventClients;
  if (clients !== undefined && (!Number.isSafeInteger(clients) || clients < 1)) {
    throw invalidArgument('limits.maxEventClients', clients, 'a positive integer number of clients');
  }
  checkScheduleLimits(limits);
  return limits;
}

/** How often Node looks for requests past `requestTimeout`: a quarter of it, from 50 ms to 30 s. */
function checkingInterval(requestTimeout: number): number {
  if (requestTimeout === 0) return 30_000;
  return Math.min(30_000, Math.max(50, Math.floor(requestTimeout / 4)));
}

function checkTimeouts(timeouts: ServerTimeouts): ServerTimeouts {
  for (const key of ['requestMs', 'connectionMs'] as const) {
    const value = timeouts[key];
    // 0 turns a timeout off, as in Node.
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw invalidArgument(`timeouts.${key}`, value, 'a whole number of milliseconds, 0 for none');
    }
  }
  return timeouts;
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
