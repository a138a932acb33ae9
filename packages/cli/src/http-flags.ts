import { DEFAULT_MAX_PAYLOAD_BYTES } from '@cadenza/core';
import { DEFAULT_MAX_EVENT_CLIENTS, type ServerLimits } from '@cadenza/server';
import type { Command } from 'commander';
import { option } from './env.js';
import { integer } from './errors.js';

// The flags of the processes that serve the whole HTTP API (`dev` and `server`).

export interface HttpFlags {
  maxPayloadBytes: string;
  maxEventClients: string;
}

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
    );
}

export function checkHttpFlags(flags: HttpFlags): { limits: ServerLimits } {
  return {
    limits: {
      maxPayloadBytes: integer('--max-payload-bytes', flags.maxPayloadBytes, 1, MOST_PAYLOAD_BYTES),
      maxEventClients: integer('--max-event-clients', flags.maxEventClients, 1, 1_000_000),
    },
  };
}
