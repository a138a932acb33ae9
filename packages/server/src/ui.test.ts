import type { DashboardFile } from '@cadenza/dashboard';
import { describe, expect, it } from 'vitest';
import { hashToken, TokenTable } from './auth/tokens.js';
import { IMMUTABLE_CACHE, registerUiRoutes, UI_CONTENT_SECURITY_POLICY } from './routes/ui.js';
import type { ServerOptions } from './server.js';
import { errorOf, testServer } from './server.test-helpers.js';

const file = (body: string, contentType: string, immutable: boolean): DashboardFile => ({
  body: Buffer.from(body),
  contentType,
  immutable,
});
const FILES: ReadonlyMap<string, DashboardFile> = new Map([
  ['index.html', file('<!doctype html><title>cadenza</title>', 'text/html; charset=utf-8', false)],
  ['app-0a1b2c3d4e.js', file('console.log(1)', 'text/javascript; charset=utf-8', true)],
  ['app-0a1b2c3d4e.css', file('body{}', 'text/css; charset=utf-8', true)],
  ['icon.svg', file('<svg/>', 'image/svg+xml', false)],
]);

/** A server with the dashboard's routes on a small map of files of the test's own. */
function uiServer(options: Partial<ServerOptions> = {}) {
  const s = testServer(options);
  registerUiRoutes(s.app, FILES);
  return s;
}

const table = new TokenTable([{ name: 'ops', sha256: hashToken('secret'), tenants: '*', scopes: ['admin'] }]);

describe('the dashboard at /ui/', () => {
  it('serves index.html at /ui/, not to be cached, with its content security policy', async () => {
    const { app } = uiServer();
    const response = await app.inject({ url: '/ui/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('<!doctype html><title>cadenza</title>');
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toBe(UI_CONTENT_SECURITY_POLICY);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect((await app.inject({ url: '/ui/index.html' })).body).toBe(response.body);
  });

  it('moves /ui to /ui/ (308)', async () => {
    const { app } = uiServer();
    const response = await app.inject({ url: '/ui' });
    expect(response.statusCode).toBe(308);
    expect(response.headers.location).toBe('/ui/');
  });

  it('serves files whose name carries a hash to be cached forever, and the others not', async () => {
    const { app } = uiServer();
    const script = await app.inject({ url: '/ui/app-0a1b2c3d4e.js' });
    expect(script.statusCode).toBe(200);
    expect(script.body).toBe('console.log(1)');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toBe(IMMUTABLE_CACHE);
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(script.headers['x-content-type-options']).toBe('nosniff');
    expect(script.headers['content-security-policy']).toBeUndefined();
    const style = await app.inject({ url: '/ui/app-0a1b2c3d4e.css' });
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(style.headers['cache-control']).toBe(IMMUTABLE_CACHE);
    const icon = await app.inject({ url: '/ui/icon.svg' });
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it.each([
    '/ui/nothing.js',
    '/ui/app-0a1b2c3d4e.js.map',
    '/ui/assets/app-0a1b2c3d4e.js',
    '/ui/../package.json',
    '/ui/%2e%2e/index.html',
  ])('answers %s with a 404 JSON error', async (url) => {
    const { app } = uiServer();
    const response = await app.inject({ url });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(errorOf(response).code).toBe('not_found');
  });

  it('needs no token on a server whose /v1 asks for one', async () => {
    const { app } = uiServer({ tokens: () => table });
    expect((await app.inject({ url: '/ui/' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/ui/app-0a1b2c3d4e.js' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/ui' })).statusCode).toBe(308);
    // The same server does refuse /v1 without a token.
    expect((await app.inject({ url: '/v1/jobs' })).statusCode).toBe(401);
  });

  it('answers only loopback names on a server that asks for them', async () => {
    const { app } = uiServer({ loopbackHostsOnly: true });
    expect((await app.inject({ url: '/ui/', headers: { host: '127.0.0.1:8080' } })).statusCode).toBe(200);
    const rebound = await app.inject({ url: '/ui/', headers: { host: 'rebound.example' } });
    expect(rebound.statusCode).toBe(403);
    expect(rebound.body).not.toContain('cadenza</title>');
  });

  it('is served only when asked for: createServer({ ui: true })', async () => {
    const off = testServer();
    expect((await off.app.inject({ url: '/ui/' })).statusCode).toBe(404);
    expect((await off.app.inject({ url: '/ui' })).statusCode).toBe(404);
    const on = testServer({ ui: true });
    expect((await on.app.inject({ url: '/ui' })).statusCode).toBe(308);
    // Whatever the build of packages/dashboard holds, an unknown file is 404 and the index is there once built.
    expect((await on.app.inject({ url: '/ui/no-such-file.txt' })).statusCode).toBe(404);
  });
});
