import {
  type CadenzaEvent,
  type EventLog,
  invalidArgument,
  type Logger,
  subscribe,
  TENANT_PATTERN,
} from '@cadenza/core';
import type { FastifyInstance } from 'fastify';

/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

/**
 * `GET /v1/events`: the cluster's events as server-sent events (SPEC "Events"), one per
 * message — `id` (pass it back as `Last-Event-ID`, or `?after=`, to resume), `event` (its
 * type) and `data` (the event as JSON) — from now on, or after the given id (`0`: from the
 * oldest kept). `?tenant=` keeps one tenant's events. The stream stays open until the
 * client goes away.
 */
export function registerEventRoutes(app: FastifyInstance, events: EventLog, log: Logger): void {
  // Open streams end when the server closes: a stream never ends by itself, and closing
  // waits for every connection.
  const open = new Set<AbortController>();
  app.addHook('preClose', async () => {
    for (const stream of open) stream.abort();
  });
  app.get<{ Querystring: { after?: string; tenant?: string } }>('/v1/events', async (request, reply) => {
    const header = request.headers['last-event-id'];
    const after = (typeof header === 'string' && header !== '' ? header : undefined) ?? request.query.after;
    const tenant = request.query.tenant;
    if (tenant !== undefined && !TENANT_PATTERN.test(tenant)) {
      throw invalidArgument('tenant', tenant, 'a tenant name');
    }
    if (after !== undefined && !/^(0|\d+(-\d+)?(\.\d+)?)$/.test(after)) {
      throw invalidArgument('after', after, 'an event id, or 0 for the oldest kept');
    }
    const stop = new AbortController();
    open.add(stop);
    reply.raw.on('close', () => stop.abort());
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // The connection serves this one stream: closed with it, never left for keep-alive
      // (a server closing would otherwise wait for it to time out).
      connection: 'close',
      'x-accel-buffering': 'no',
    });
    // The headers go out now, so that a client sees the stream open before any event.
    reply.raw.write(': cadenza events\n\n');
    const keepalive = setInterval(() => reply.raw.write(': ping\n\n'), KEEPALIVE_MS);
    try {
      for await (const event of subscribe(events, { ...(after === undefined ? {} : { after }), signal: stop.signal })) {
        if (tenant !== undefined && event.tenant !== tenant) continue;
        reply.raw.write(message(event));
      }
    } catch (error) {
      log.warn({ err: error }, 'events: the stream ended on an error');
    } finally {
      clearInterval(keepalive);
      open.delete(stop);
      reply.raw.end();
    }
  });
}

/** One server-sent event; the id is repeated in the data for clients that only see data. */
function message(event: CadenzaEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
