import { definedOnly, type Logger, type NodeRole, realClock, type Store, withEvents } from '@cadenza/core';
import { sharingOptionsOf } from '@cadenza/core/store-kit';
import { createServer, instrumentStore, ProcessMetrics, type ServerOptions } from '@cadenza/server';
import { oneLine, UsageError } from './errors.js';
import { eventLogOf } from './event-log.js';
import { secretsOf } from './log-secrets.js';
import { createLogger } from './logger.js';
import type { ProcessNode } from './node-info.js';
import { type Reporter, startReporting } from './node-report.js';
import type { ProcessSettings } from './process-flags.js';
import { readiness } from './readiness.js';
import { onShutdownSignals } from './shutdown.js';
import type { StoreChoice } from './store-flags.js';
import { storeLine } from './store-line.js';
import { openStore } from './store-url.js';

/** What a long-running command started on its store. */
export interface Started {
  /** What `/v1/cluster` and `/metrics` tell of this process, beside its id and role; and, for `/readyz`, whether its worker claims. */
  node: ProcessNode;
  /** `all`: the whole HTTP API (packages/server/README.md); `health`: only `/healthz`, `/readyz` and `/metrics`. */
  routes: 'all' | 'health';
  /** Told of writes through the API (single-node mode wakes its engine). */
  hooks?: Pick<ServerOptions, 'onEnqueued' | 'onChanged'>;
  /** The HTTP API's limits and who may call it (`dev` and `server`: http-flags.ts). */
  http?: Pick<ServerOptions, 'limits' | 'tokens' | 'loopbackHostsOnly' | 'requestsPerSecond' | 'ui'>;
  /** Whether this process's coordinator leads now (coordinator and dev), for its reports. */
  leading?: () => boolean;
  /** Stops what was started: gracefully, or with `timeoutMs: 0` when the start failed half-way. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

export interface ProcessContext {
  /** The store, timed into this process's metrics. */
  store: Store;
  log: Logger;
  id: string;
  /** This process's metrics, served on `/metrics`: the role records its worker's and coordinator's events. */
  metrics: ProcessMetrics;
}

/**
 * The life of every long-running command (`dev`, `worker`, `coordinator`, `server`):
 * JSON log lines on stdout; SIGTERM/SIGINT handlers installed before anything opens; the
 * store opened and checked; `start` run on it; HTTP served on `--port` (when there is
 * one); then one plain start line: `cadenza ROLE listening on URL (store S)` (followed, when the
 * dashboard is served, by `dashboard: URL/ui/`), or
 * `cadenza ROLE started (store S)` without a port, S telling the Redis topology too (store-line.ts). On a signal `/readyz` turns 503 at once,
 * then what `start` started is stopped (a worker drains), then HTTP, then the store. A
 * failure on the way stops what started, closes the store and is a `UsageError` (exit 2).
 */
export async function runProcess(
  role: NodeRole,
  settings: ProcessSettings,
  choice: StoreChoice,
  start: (context: ProcessContext) => Promise<Started>,
): Promise<void> {
  const { id } = settings;
  const startedAt = realClock.now();
  const log = createLogger({
    level: settings.logLevel,
    base: { node: id, role },
    secrets: [
      ...secretsOf(choice, process.env),
      ...(settings.metricsToken === undefined ? [] : [settings.metricsToken]),
    ],
    // A person runs `cadenza dev` in a terminal; everything else is read by a log shipper.
    pretty: role === 'dev' && process.stdout.isTTY === true,
  });
  const shutdown = onShutdownSignals(log);
  const metrics = new ProcessMetrics({ log, labels: { node: id } });
  const opened = await openStore(choice.text, {
    log,
    flag: choice.flag,
    ...definedOnly({
      prefix: choice.prefix,
      clusterUrls: choice.clusterUrls,
      sentinel: choice.sentinel,
      durableWrites: choice.durableWrites,
      lockUrls: choice.lockUrls,
      tls: choice.tls,
    }),
    ...sharingOptionsOf(choice),
  });
  // Every process tells the cluster's event log what it did through its store.
  const events = eventLogOf(opened, log);
  const store = withEvents(instrumentStore(opened, metrics), events);
  shutdown.add('store', async () => {
    await events.close();
    await store.close();
  });
  // HTTP is closed after what `start` started has stopped, not before: while a worker
  // drains, `/readyz` must go on answering (503, with why) so that a load balancer or
  // Kubernetes sees a process that is leaving rather than one that vanished.
  let app: ReturnType<typeof createServer> | undefined;
  shutdown.add('http', async () => {
    await app?.close();
  });
  // Added before the role's step, so it runs after it: a draining worker stays listed in
  // `/v1/cluster` until its jobs are done, and is removed at once when it has stopped.
  let reporter: Reporter | undefined;
  shutdown.add('report', async () => {
    await reporter?.stop();
  });
  let started: Started | undefined;
  try {
    started = await start({ store, log, id, metrics });
    const running = started;
    shutdown.add(role, () => running.stop());
    reporter = await startReporting({
      store,
      clock: realClock,
      startedAt,
      log,
      id,
      role,
      everyMs: settings.reportEveryMs,
      state: () => ({ ...running.node.worker?.(), leading: running.leading?.() }),
    });
    let where = 'started';
    let dashboard = '';
    if (settings.port !== undefined) {
      // Readiness is the process's own (readiness.ts): /v1/cluster is not told of it.
      const { notClaiming: _, ...node } = running.node;
      app = createServer({
        store,
        log,
        node: { ...node, id, role, startedAt },
        routes: running.routes,
        metrics,
        events,
        ...running.hooks,
        ...running.http,
        notReady: () => readiness(shutdown.stopping, running.node),
        ...definedOnly({ metricsToken: settings.metricsToken }),
      });
      const url = await listen(app, settings.host, settings.port);
      where = `listening on ${url}`;
      // The address a person opens in a browser, on a line of its own.
      if (running.http?.ui === true) dashboard = `dashboard: ${url}/ui/\n`;
    }
    // Log lines are held until the end of a turn: those of the start go out ahead of this line.
    log.flush();
    process.stdout.write(`cadenza ${role} ${where} (store ${storeLine(choice)})\n${dashboard}`);
  } catch (error) {
    await reporter?.stop().catch(() => undefined);
    await started?.stop({ timeoutMs: 0 }).catch(() => undefined);
    await events.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error instanceof UsageError ? error : new UsageError(oneLine(error));
  }
}

/** Listens and returns the URL to reach it (the actual port when `port` was 0). */
async function listen(app: ReturnType<typeof createServer>, host: string, port: number): Promise<string> {
  try {
    await app.listen({ host, port });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw new UsageError(`--port ${port}: cannot listen on ${host}:${port}: ${oneLine(error)}`);
  }
  const address = app.server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  return `http://${displayHost(host)}:${actual}`;
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
