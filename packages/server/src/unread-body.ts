import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * How much of a refused body the server reads and throws away before it answers, as a
 * multiple of the route's body limit. Past it the server answers at once and closes the
 * connection, so a client sending without end costs a bounded amount of reading.
 */
export const DISCARD_LIMIT_FACTOR = 16;

/**
 * Called before any error answer. A request refused before its body was read to the end
 * (too large, a content type we do not take, a syntax error) still has bytes on the way:
 * answering and closing then resets the connection under a client that is still writing,
 * which sees a broken pipe instead of the answer and cannot tell a refused body from a
 * network fault. So the rest of the body is read and discarded first, up to
 * DISCARD_LIMIT_FACTOR times the route's limit; the connection stays open when it all
 * arrived, and closes after the answer when it did not.
 */
export async function settleUnreadBody(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const bound = DISCARD_LIMIT_FACTOR * request.routeOptions.bodyLimit;
  if (await discardRest(request.raw, bound)) {
    // Fastify asks to close after a refused body because it left the body unread; it is read now.
    reply.removeHeader('connection');
  } else {
    reply.header('connection', 'close');
  }
}

/**
 * Reads what is left of a request body and drops it. Resolves true once the body ended,
 * false without reading when its declared length is over `bound`, when more than `bound`
 * bytes arrive, or when the client goes away first.
 */
export function discardRest(raw: IncomingMessage, bound: number): Promise<boolean> {
  if (raw.complete || raw.readableEnded) return Promise.resolve(true);
  if (raw.destroyed) return Promise.resolve(false);
  if (Number(raw.headers['content-length']) > bound) return Promise.resolve(false);
  return new Promise((resolve) => {
    let discarded = 0;
    const finish = (ended: boolean) => {
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('close', onGone);
      raw.off('error', onGone);
      resolve(ended);
    };
    const onData = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > bound) {
        raw.pause();
        finish(false);
      }
    };
    const onEnd = () => finish(true);
    const onGone = () => finish(false);
    raw.on('data', onData);
    raw.on('end', onEnd);
    raw.on('close', onGone);
    raw.on('error', onGone);
    raw.resume();
  });
}
