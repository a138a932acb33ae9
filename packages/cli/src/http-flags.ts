import { DEFAULT_MAX_PAYLOAD_BYTES } from '@cadenza/core';
import {
  DEFAULT_MAX_EVENT_CLIENTS,
  DEFAULT_REQUESTS_PER_SECOND,
  type ServerLimits,
  type TokenTable,
} from '@cadenza/server';
import type { Command } from 'commander';
import { option } from './env.js';
import { integer, UsageError } from './errors.js';
import { TokensFile } from './tokens-file.js';

// The flags of the processes that serve the whole HTTP API (`dev` and `server`).

export interface HttpFlags {
  maxPayloadBytes: string;
  maxEventClients: string;
  tokensFile?: string;
  insecure?: boolean;
  rateLimit: string;
  /** false with --no-ui (CADENZA_NO_UI): the dashboard is not served. */
  ui?: boolean;
  /** --host, of the process flags: where the API listens. */
  host: string;
}

/** What the API is given: its limits, and how it tells who may call it. */
export interface HttpSettings {
  limits: ServerLimits;
  /** The tokens every /v1 request must carry; undefined without --tokens-file. */
  tokens?: () => TokenTable;
  /** Each token's /v1 requests a second on this server (0: no limit). */
  requestsPerSecond?: number;
  /** Without tokens on a loopback address: requests must be addressed to a loopback name. */
  loopbackHostsOnly?: boolean;
  /** Whether the dashboard is served at /ui/ (on unless --no-ui). */
  ui: boolean;
}

/** Addresses that only this machine can reach. */
const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|::1)$/i;

/**
 * The largest payload limit a deployment may set: V8 cannot hold a string much longer
 * than 512 MiB, and a body is parsed whole, so limits far below that keep parsing safe.
 */
const MOST_PAYLOAD_BYTES = 256 * 1024 * 1024;

export function addHttpOptions(command: Command): Command {
  return command
    .addOption(
      option(
        '--max-payload-bytes <n>',
        'largest job payload (its JSON); a request body may be this plus 64 KiB, and is refused 413 past that',
      ).default(String(DEFAULT_MAX_PAYLOAD_BYTES)),
    )
    .addOption(
      option('--max-event-clients <n>', 'most clients of GET /v1/events at once; the next is refused 429').default(
        String(DEFAULT_MAX_EVENT_CLIENTS),
      ),
    )
    .addOption(
      option(
        '--tokens-file <file>',
        'the tokens every /v1 request must carry (Authorization: Bearer), JSON; read again on SIGHUP',
      ),
    )
    .addOption(option('--insecure', 'serve the API without tokens on an address other machines can reach'))
    .addOption(
      option(
        '--rate-limit <n>',
        "with --tokens-file: each token's /v1 requests a second on this server (429 past it); 0 for no limit",
      ).default(String(DEFAULT_REQUESTS_PER_SECOND)),
    )
    .addOption(option('--no-ui', 'do not serve the dashboard at /ui/ (the API is served either way)'));
}

/**
 * The API's limits and who may call it. With --tokens-file every /v1 request needs one of its
 * tokens. Without one, the API is open to whoever reaches it, so it listens on a loopback
 * address only (and answers only requests addressed to a loopback name), unless --insecure
 * says that an open API on a reachable address is meant: a server must never be open by
 * accident because its --host was changed.
 */
export function checkHttpFlags(flags: HttpFlags): HttpSettings {
  const limits: ServerLimits = {
    maxPayloadBytes: integer('--max-payload-bytes', flags.maxPayloadBytes, 1, MOST_PAYLOAD_BYTES),
    maxEventClients: integer('--max-event-clients', flags.maxEventClients, 1, 1_000_000),
  };
  const ui = flags.ui !== false;
  if (flags.tokensFile !== undefined) {
    const file = new TokensFile(flags.tokensFile);
    file.reloadOnHangup();
    const requestsPerSecond = integer('--rate-limit', flags.rateLimit, 0, 1_000_000);
    return { limits, tokens: file.current, requestsPerSecond, ui };
  }
  if (LOOPBACK_HOSTS.test(flags.host)) return { limits, loopbackHostsOnly: true, ui };
  if (flags.insecure === true) return { limits, ui };
  throw new UsageError(
    `--host ${flags.host}: other machines can reach this address and the API has no tokens; expected --tokens-file FILE (CADENZA_TOKENS_FILE), or --insecure to serve it open, or a loopback --host such as 127.0.0.1`,
  );
}
