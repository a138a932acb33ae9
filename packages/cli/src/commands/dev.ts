import { hostname } from 'node:os';
import { type Logger, realClock, type Store } from '@cadenza/core';
import { createEngine, type Engine } from '@cadenza/engine';
import { createServer } from '@cadenza/server';
import { type HandlerRegistry, loadHandlersModule } from '@cadenza/worker';
import type { Command } from 'commander';
import { option } from '../env.js';
import { integer, oneLine, UsageError } from '../errors.js';
import { createLogger, LOG_LEVELS } from '../logger.js';
import { applyStartupFile, readStartupFile, type StartupFile } from '../schedules-file.js';
import { onShutdownSignals } from '../shutdown.js';
import { DEFAULT_STORE, openStore, parseStoreUrl } from '../store-url.js';

interface DevFlags {
  store: string;
  handlers?: string;
  schedules?: string;
  port: string;
  host: string;
  id?: string;
  logLevel: string;
  concurrency: string;
  leaseMs: string;
  shutdownTimeoutMs: string;
  leaderTtlMs: string;
}

export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('one node: coordinator, worker and HTTP API in one process')
    .addOption(option('--store <store>', 'memory, sqlite:PATH, json:PATH or snapshot:PATH').default(DEFAULT_STORE))
    .addOption(option('--handlers <file>', 'module whose default export maps job names to handlers'))
    .addOption(option('--schedules <file>', 'JSON file of schedules (and "jobs") upserted at start'))
    .addOption(option('--port <n>', 'HTTP port; 0 picks a free one').default('8080'))
    .addOption(option('--host <host>', 'address to listen on').default('127.0.0.1'))
    .addOption(option('--id <name>', 'names this node in leases, logs and /v1/cluster (default: host:pid)'))
    .addOption(option('--log-level <level>', LOG_LEVELS.join(', ')).default('info'))
    .addOption(option('--concurrency <n>', 'jobs run at once').default('10'))
    .addOption(
      option('--lease-ms <ms>', "a job's lease: a job whose worker died runs again this long after").default('30000'),
    )
    .addOption(
      option('--shutdown-timeout-ms <ms>', 'on SIGTERM, how long running jobs may finish before release').default(
        '10000',
      ),
    )
    .addOption(option('--leader-ttl-ms <ms>', "the coordinator's leader lease").default('10000'))
    .action(async (flags: DevFlags) => {
      await runDev(flags);
    });
}

async function runDev(flags: DevFlags): Promise<void> {
  // Check everything that needs no store first, so a bad flag leaves nothing behind.
  const port = integer('--port', flags.port, 0, 65_535);
  const concurrency = integer('--concurrency', flags.concurrency, 1);
  const leaseMs = integer('--lease-ms', flags.leaseMs, 2);
  const shutdownTimeoutMs = integer('--shutdown-timeout-ms', flags.shutdownTimeoutMs, 0);
  const leaderTtlMs = integer('--leader-ttl-ms', flags.leaderTtlMs, 10);
  if (!(LOG_LEVELS as readonly string[]).includes(flags.logLevel)) {
    throw new UsageError(
      `--log-level: got ${JSON.stringify(flags.logLevel)}, expected one of ${LOG_LEVELS.join(', ')}`,
    );
  }
  const url = parseStoreUrl(flags.store);
  const id = flags.id ?? `${hostname()}:${process.pid}`;
  if (id.trim() === '') throw new UsageError('--id: expected a non-empty name');
  const log = createLogger(flags.logLevel, { node: id, role: 'dev' });
  const handlers = flags.handlers === undefined ? {} : await loadHandlers(flags.handlers);
  if (flags.handlers === undefined) log.warn('no --handlers: every job will fail with no_handler');
  const startup: StartupFile | undefined =
    flags.schedules === undefined ? undefined : readStartupFile(flags.schedules, realClock.now());

  const shutdown = onShutdownSignals(log);
  const store = await openStore(flags.store, { log });
  shutdown.add('store', () => store.close());
  let engine: Engine | undefined;
  try {
    engine = createEngine({
      store,
      handlers,
      id,
      log,
      worker: { concurrency, leaseMs, shutdownTimeoutMs },
      coordinator: { leaseTtlMs: leaderTtlMs },
    });
    if (startup !== undefined) await applyStartupFile(engine, startup, log);
    await engine.start();
    const running = engine;
    shutdown.add('engine', () => running.stop());
    const app = await listen(engine, store, log, id, flags.host, port);
    shutdown.add('http', () => app.close());
    const address = app.server.address();
    const actualPort = typeof address === 'object' && address !== null ? address.port : port;
    const shown = url.kind === 'memory' ? 'memory' : flags.store;
    process.stdout.write(`cadenza dev listening on http://${displayHost(flags.host)}:${actualPort} (store ${shown})\n`);
  } catch (error) {
    await engine?.stop({ timeoutMs: 0 }).catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error instanceof UsageError ? error : new UsageError(oneLine(error));
  }
}

async function loadHandlers(path: string): Promise<HandlerRegistry> {
  try {
    return await loadHandlersModule(path);
  } catch (error) {
    throw new UsageError(`--handlers ${oneLine(error).replace(/^handlers file /, '')}`);
  }
}

async function listen(engine: Engine, store: Store, log: Logger, id: string, host: string, port: number) {
  const app = createServer({
    store,
    log,
    node: {
      id,
      role: 'dev',
      worker: () => ({ active: engine.worker.activeJobs.length }),
      coordinator: () => {
        const at = engine.coordinator.lastTickAt;
        return at === undefined ? {} : { lastTickAt: new Date(at).toISOString() };
      },
    },
    onEnqueued: () => {
      engine.worker.wake();
      engine.coordinator.wake();
    },
    onChanged: () => {
      engine.coordinator.wake();
      engine.worker.wake();
      // A cancel through the API reaches a running job's signal at once, not at the next heartbeat.
      if (engine.worker.activeJobs.length > 0) {
        engine.worker
          .heartbeatNow()
          .catch((error: unknown) => log.warn({ err: error }, 'heartbeat after a change failed'));
      }
    },
  });
  try {
    await app.listen({ host, port });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw new UsageError(`--port ${port}: cannot listen on ${host}:${port}: ${oneLine(error)}`);
  }
  return app;
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
