import { CadenzaError, type CadenzaEvent, invalidArgument, type Logger, TENANT_PATTERN } from '@cadenza/core';
import type { FastifyInstance } from 'fastify';
import type { Grant } from '../auth/grant.js';
import { grantOf } from '../auth/guard.js';
import type { EventFeed } from '../events/event-feed.js';
import { SseWriter } from '../events/sse-writer.js';
import type { ProcessMetrics } from '../metrics/process-metrics.js';

/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

export interface EventRouteOptions {
  feed: EventFeed;
  log: Logger;
  metrics: ProcessMetrics;
  /** Most SSE clients at once; the next is refused with 429 `resource_exhausted`. */
  maxClients: number;
  /** Most bytes waiting for one client before it is dropped as not reading. */
  maxBufferedBytes: number;
}

/**
 * `GET /v1/events`: the cluster's events as server-sent events, one per message — `id`
 * (pass it back as `Last-Event-ID`, or `?after=`, to resume), `event` (its type) and
 * `data` (the event as JSON) — from now on, or after the given id (`0`: from the oldest
 * kept). `?tenant=` keeps one tenant's events. Every client of this process reads from
 * one shared feed (one blocking read of the log); the stream stays open until the client
 * goes away, stops reading, or the server closes.
 */
export function registerEventRoutes(app: FastifyInstance, options: EventRouteOptions): void {
  const { feed, log, metrics, maxClients, maxBufferedBytes } = options;
  // Open streams end when the server closes: a stream never ends by itself, and closing
  // waits for every connection.
  const open = new Set<() => void>();
  metrics.watchEventClients(() => open.size);
  app.addHook('preClose', async () => {
    for (const end of open) end();
    feed.close();
  });
  app.get<{ Querystring: { after?: string; tenant?: string } }>('/v1/events', async (request, reply) => {
    const grant = grantOf(request);
    grant.require('read');
    const header = request.headers['last-event-id'];
    const after = (typeof header === 'string' && header !== '' ? header : undefined) ?? request.query.after;
    const tenant = request.query.tenant;
    if (tenant !== undefined && !TENANT_PATTERN.test(tenant)) {
      throw invalidArgument('tenant', tenant, 'a tenant name');
    }
    if (after !== undefined && !/^(0|\d+(-\d+)?(\.\d+)?)$/.test(after)) {
      throw invalidArgument('after', after, 'an event id, or 0 for the oldest kept');
    }
    if (open.size >= maxClients) {
      throw new CadenzaError(
        'resource_exhausted',
        `events: this server already streams to ${open.size} clients, its limit (maxEventClients ${maxClients}); try again later or on another server`,
      );
    }
    // A stream is long-lived by design: the socket's idle timeout must not cut it (the
    // keepalive comment would, at any timeout shorter than its period).
    request.raw.socket.setTimeout(0);
    reply.hijack();
    // The head goes out with the first write: the stream-open comment below, or an event.
    reply.raw.statusCode = 200;
    reply.raw.setHeader('content-type', 'text/event-stream; charset=utf-8');
    reply.raw.setHeader('cache-control', 'no-cache');
    // The connection serves this one stream: closed with it, never left for keep-alive (a
    // server closing would otherwise wait for it to time out).
    reply.raw.setHeader('connection', 'close');
    reply.raw.setHeader('x-accel-buffering', 'no');
    const writer = new SseWriter(reply.raw, maxBufferedBytes, (buffered) => {
      metrics.eventClientDropped();
      log.warn(
        { remote: request.ip, buffered, tenant },
        `events: dropped a client that stopped reading (${buffered} bytes waiting, limit ${maxBufferedBytes})`,
      );
    });
    const reader = feed.subscribe(
      after,
      (events) => {
        const text = messages(events, tenant, grant);
        if (text !== '') writer.write(text);
      },
      (error) => {
        log.warn({ err: error }, 'events: the stream ended on an error');
        end();
      },
    );
    const keepalive = setInterval(() => writer.write(': ping\n\n'), KEEPALIVE_MS);
    const end = () => {
      if (!open.delete(end)) return;
      clearInterval(keepalive);
      reader.close();
      writer.end();
    };
    open.add(end);
    reply.raw.on('close', end);
    // A client that sees the stream open gets every event from then on: the head goes out
    // once the shared feed knows where "now" is.
    await feed.ready();
    writer.write(': cadenza events\n\n');
  });
}

/**
 * A batch of events as server-sent events, one message each; the id is repeated in the
 * data for clients that only see data. Every live client gets the same batch: when it
 * keeps every tenant's events, the batch is formatted once for all of them. A token that
 * does not cover every tenant sees its tenants' events only (not the cluster's own, such as
 * a change of leader, which name no tenant).
 */
const formatted = new WeakMap<readonly CadenzaEvent[], string>();
function messages(events: readonly CadenzaEvent[], tenant: string | undefined, grant: Grant): string {
  if (!grant.allTenants) {
    return events
      .filter((event) => event.tenant !== undefined && (tenant === undefined || event.tenant === tenant))
      .filter((event) => grant.sees(event.tenant as string))
      .map(message)
      .join('');
  }
  if (tenant === undefined) {
    let text = formatted.get(events);
    if (text === undefined) {
      text = events.map(message).join('');
      formatted.set(events, text);
    }
    return text;
  }
  return events
    .filter((event) => event.tenant === tenant)
    .map(message)
    .join('');
}

function message(event: CadenzaEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
