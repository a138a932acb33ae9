import { readFileSync } from 'node:fs';
import { MemoryEventLog } from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { hashToken, TokenTable } from '../auth/tokens.js';
import { body, testServer } from '../server.test-helpers.js';
import { openApiDocument, openApiPath } from './document.js';
import { fastifyRoutes } from './openapi.test-helpers.js';

// The document against the routes fastify really has: none missing, none extra.

/** Every `METHOD /path` the document describes, in fastify's spelling of paths. */
function documentedRoutes(events: boolean): Set<string> {
  const routes = new Set<string>();
  for (const [path, item] of Object.entries(openApiDocument({ events }).paths)) {
    for (const method of Object.keys(item)) routes.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
  }
  return routes;
}

describe('GET /openapi.json', () => {
  it('documents every route of a server with an event log, and no other', async () => {
    const { app } = testServer({ events: new MemoryEventLog() });
    await app.ready();
    const served = fastifyRoutes(app);
    expect(served).toContain('GET /v1/events');
    expect(served).toContain('DELETE /v1/jobs/:id');
    expect([...documentedRoutes(true)].sort()).toEqual([...served].sort());
  });

  it('documents every route of a server without one, and leaves out the event stream it lacks', async () => {
    const { app } = testServer();
    await app.ready();
    const served = fastifyRoutes(app);
    expect(served).not.toContain('GET /v1/events');
    expect([...documentedRoutes(false)].sort()).toEqual([...served].sort());
  });

  it('serves the document that openApiDocument builds, as JSON', async () => {
    const { app } = testServer({ events: new MemoryEventLog() });
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(body(response)).toEqual(openApiDocument({ events: true }));
  });

  it("carries the server package's version", () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(openApiDocument({ events: false }).info.version).toBe(manifest.version);
  });

  it('is readable without a token on a server that asks /v1 requests for one', async () => {
    const tokens = new TokenTable([{ name: 'ops', sha256: hashToken('secret'), tenants: '*', scopes: ['admin'] }]);
    const { app } = testServer({ tokens: () => tokens });
    const open = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(open.statusCode).toBe(200);
    expect(body(open).openapi).toBe('3.1.0');
    // The same server does refuse a /v1 request without one, so the guard is really on.
    expect((await app.inject({ method: 'GET', url: '/v1/cluster' })).statusCode).toBe(401);
  });

  it('is not served by a process that serves only health routes', async () => {
    const { app } = testServer({ routes: 'health' });
    expect((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(404);
  });

  it('writes path parameters the OpenAPI way', () => {
    expect(openApiPath('/v1/schedules/:id/trigger')).toBe('/v1/schedules/{id}/trigger');
  });
});
