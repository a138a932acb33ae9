import { hostname } from 'node:os';
import { definedOnly } from '@cadenza/core';
import type { Command } from 'commander';
import { option } from './env.js';
import { integer, UsageError } from './errors.js';
import { showDefault } from './help.js';
import { LOG_LEVELS } from './logger.js';

/** The flags of every long-running command (dev, worker, coordinator, server). */
export interface ProcessFlags {
  port?: string;
  host: string;
  id?: string;
  logLevel: string;
  reportEveryMs: string;
  metricsToken?: string;
}

export interface ProcessSettings {
  /** Where health, metrics (and, for dev and server, the API) are served; none when undefined. */
  port: number | undefined;
  host: string;
  id: string;
  logLevel: string;
  /** How often this process reports itself to the cluster store's registry of live processes. */
  reportEveryMs: number;
  /** The token a scrape of `/metrics` must carry; none: metrics are open. */
  metricsToken?: string;
}

/**
 * Adds `--port`, `--host`, `--id` and `--log-level`. `port` is the default port, or
 * undefined when the process serves HTTP only if asked (a worker, a coordinator).
 */
export function addProcessOptions(command: Command, port: string | undefined): Command {
  const portOption = option(
    '--port <n>',
    port === undefined
      ? 'serve /healthz, /readyz and /metrics on this port; 0 picks a free one'
      : 'HTTP port; 0 picks a free one',
  );
  return command
    .addOption(port === undefined ? portOption : portOption.default(port))
    .addOption(option('--host <host>', 'address to listen on').default('127.0.0.1'))
    .addOption(
      showDefault(option('--id <name>', 'names this process in leases, logs, metrics and /v1/cluster'), 'HOST:PID'),
    )
    .addOption(option('--log-level <level>', LOG_LEVELS.join(', ')).default('info'))
    .addOption(
      option(
        '--report-every-ms <ms>',
        'how often this process tells a Redis store it is alive, for /v1/cluster and `cadenza status`; three missed reports and it drops out',
      ).default('2000'),
    )
    .addOption(
      option(
        '--metrics-token <token>',
        'answer GET /metrics only to a scrape with Authorization: Bearer TOKEN (better given by its environment variable, which ps does not show)',
      ),
    );
}

export function checkProcessFlags(flags: ProcessFlags): ProcessSettings {
  const port = flags.port === undefined ? undefined : integer('--port', flags.port, 0, 65_535);
  if (!(LOG_LEVELS as readonly string[]).includes(flags.logLevel)) {
    throw new UsageError(
      `--log-level: got ${JSON.stringify(flags.logLevel)}, expected one of ${LOG_LEVELS.join(', ')}`,
    );
  }
  const id = flags.id ?? `${hostname()}:${process.pid}`;
  if (id.trim() === '') throw new UsageError('--id: expected a non-empty name');
  const reportEveryMs = integer('--report-every-ms', flags.reportEveryMs, 10, 60_000);
  const { metricsToken } = flags;
  if (metricsToken !== undefined && !/^\S{16,}$/.test(metricsToken)) {
    throw new UsageError('--metrics-token: expected at least 16 characters without spaces');
  }
  return {
    port,
    host: flags.host,
    id,
    logLevel: flags.logLevel,
    reportEveryMs,
    ...definedOnly({ metricsToken }),
  };
}
