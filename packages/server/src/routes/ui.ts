import { CadenzaError } from '@cadenza/core';
import type { DashboardFile } from '@cadenza/dashboard';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** The dashboard's pages may load only what this server serves, and no one may frame them. */
export const UI_CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
/** Files whose name carries a hash of their content never change: a browser keeps them a year. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

/**
 * The dashboard (packages/dashboard) at `/ui/`: `GET /ui` moves to `/ui/` (308), `/ui/` is
 * the app's index.html, `/ui/<file>` its other files. The files hold no data — the app
 * reads everything through `/v1` with the viewer's token — so no token is asked for here;
 * the loopback Host check, when on, applies as to every route. `files` is read once, at start.
 */
export function registerUiRoutes(app: FastifyInstance, files: ReadonlyMap<string, DashboardFile>): void {
  app.get('/ui', async (_request, reply) => reply.code(308).header('location', '/ui/').send());
  app.get('/ui/', async (_request, reply) => send(reply, 'index.html', files.get('index.html')));
  app.get<{ Params: { '*': string } }>('/ui/*', async (request, reply) => {
    const name = request.params['*'];
    return send(reply, name, name === '' ? files.get('index.html') : files.get(name));
  });
}

function send(reply: FastifyReply, name: string, file: DashboardFile | undefined): FastifyReply {
  if (file === undefined) {
    throw new CadenzaError('not_found', `path: the dashboard has no file ${JSON.stringify(name)}`, { field: 'path' });
  }
  reply
    .header('content-type', file.contentType)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', file.immutable ? IMMUTABLE_CACHE : 'no-cache');
  if (file.contentType.startsWith('text/html')) reply.header('content-security-policy', UI_CONTENT_SECURITY_POLICY);
  return reply.send(file.body);
}
