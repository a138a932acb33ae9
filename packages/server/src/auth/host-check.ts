import { CadenzaError } from '@cadenza/core';
import type { FastifyInstance } from 'fastify';

/** Host names that can only mean this machine. */
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d{1,5})?$/i;

/**
 * Answers only requests addressed to a loopback name. A server without tokens listens on a
 * loopback address only, and then a web page in the user's browser could still reach it by
 * a name of its own that resolves to 127.0.0.1 (DNS rebinding) — its requests carry that name
 * in `Host`; a request with another Host is refused 403 before anything is read or done.
 */
export function installLoopbackHostCheck(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const host = request.headers.host;
    if (typeof host === 'string' && LOOPBACK.test(host)) return;
    throw new CadenzaError(
      'forbidden',
      `host: got ${JSON.stringify(host ?? '')}, expected a loopback name (localhost, 127.0.0.1 or [::1]): a server without tokens answers requests addressed to this machine only`,
      { field: 'host' },
    );
  });
}
