import { MemoryEventLog } from '@cadenza/core';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { body, errorOf, storeContents, testServer } from '../server.test-helpers.js';
import type { Scope } from './grant.js';
import { hashToken, TokenTable } from './tokens.js';

// Every /v1 route against four callers: no token (401), a token without the route's scope
// (403), a token of another tenant (404 for an existing object, 403 for a create, nothing in
// a list), and the right token (the route's usual answer). A refused request writes nothing.

const TOKENS = {
  acmeWriter: { scopes: ['read', 'write'], tenants: ['acme'] },
  acmeReader: { scopes: ['read'], tenants: ['acme'] },
  acmeWriteOnly: { scopes: ['write'], tenants: ['acme'] },
  boltWriter: { scopes: ['read', 'write'], tenants: ['bolt'] },
  twoTenants: { scopes: ['read'], tenants: ['acme', 'bolt'] },
  admin: { scopes: ['admin'], tenants: '*' },
} as const;
type Who = keyof typeof TOKENS;

const table = new TokenTable(
  Object.entries(TOKENS).map(([name, t]) => ({
    name,
    sha256: hashToken(`secret-${name}`),
    tenants: t.tenants === '*' ? '*' : [...t.tenants],
    scopes: [...t.scopes] as Scope[],
  })),
);

function server() {
  const events = new MemoryEventLog();
  return testServer({ tokens: () => table, events });
}
type Server = ReturnType<typeof server>;

async function call(
  s: Server,
  who: Who | undefined,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  return s.app.inject({
    method,
    url,
    ...(who === undefined ? {} : { headers: { authorization: `Bearer secret-${who}` } }),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

/** An acme job and an acme schedule, made through the admin token, and an acme job that succeeded. */
async function seed(s: Server): Promise<{ job: string }> {
  await call(s, 'admin', 'POST', '/v1/jobs', { name: 'a.done', tenant: 'acme' });
  const [claimed] = await s.store.claim({ workerId: 'w1', limit: 1, leaseMs: 30_000, now: s.clock.now() });
  if (claimed === undefined) throw new Error('nothing to claim');
  await s.store.settle(
    [{ jobId: claimed.id, token: claimed.lease.token, outcome: 'succeeded', result: null }],
    s.clock.now(),
  );
  const created = await call(s, 'admin', 'POST', '/v1/jobs', { name: 'a.job', tenant: 'acme' });
  expect(created.statusCode).toBe(201);
  const schedule = await call(s, 'admin', 'PUT', '/v1/schedules/daily?tenant=acme', { name: 'a.job', every: 60_000 });
  expect(schedule.statusCode).toBe(201);
  return { job: body(created).id };
}

interface Route {
  name: string;
  scope: Scope;
  /** The request, on the seeded acme objects. */
  request(s: Server, seeded: { job: string }): [method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown];
  /**
   * What another tenant's token gets: 404 (an existing object), 403 (a create), an empty list,
   * or `open` for a route whose answer holds no tenant's data (a preview), answered as usual.
   */
  otherTenant: 404 | 403 | 'empty' | 'open';
  ok: number;
}

const ROUTES: Route[] = [
  {
    name: 'POST /v1/jobs',
    scope: 'write',
    request: () => ['POST', '/v1/jobs', { name: 'a.job', tenant: 'acme' }],
    otherTenant: 403,
    ok: 201,
  },
  {
    name: 'POST /v1/jobs/batch',
    scope: 'write',
    request: () => ['POST', '/v1/jobs/batch', { jobs: [{ name: 'a.job', tenant: 'acme' }] }],
    otherTenant: 403,
    ok: 201,
  },
  {
    name: 'GET /v1/jobs',
    scope: 'read',
    request: () => ['GET', '/v1/jobs?tenant=acme'],
    otherTenant: 'empty',
    ok: 200,
  },
  {
    name: 'GET /v1/jobs/:id',
    scope: 'read',
    request: (_s, { job }) => ['GET', `/v1/jobs/${job}`],
    otherTenant: 404,
    ok: 200,
  },
  {
    name: 'DELETE /v1/jobs/:id',
    scope: 'write',
    request: (_s, { job }) => ['DELETE', `/v1/jobs/${job}`],
    otherTenant: 404,
    ok: 200,
  },
  {
    name: 'PUT /v1/schedules/:id',
    scope: 'write',
    request: () => ['PUT', '/v1/schedules/hourly?tenant=acme', { name: 'a.job', every: 3_600_000 }],
    otherTenant: 403,
    ok: 201,
  },
  {
    name: 'GET /v1/schedules',
    scope: 'read',
    request: () => ['GET', '/v1/schedules?tenant=acme'],
    otherTenant: 'empty',
    ok: 200,
  },
  {
    name: 'GET /v1/schedules/:id',
    scope: 'read',
    request: () => ['GET', '/v1/schedules/daily?tenant=acme'],
    otherTenant: 404,
    ok: 200,
  },
  {
    name: 'POST /v1/schedules/:id/trigger',
    scope: 'write',
    request: () => ['POST', '/v1/schedules/daily/trigger?tenant=acme'],
    otherTenant: 404,
    ok: 201,
  },
  {
    name: 'POST /v1/schedules/:id/pause',
    scope: 'write',
    request: () => ['POST', '/v1/schedules/daily/pause?tenant=acme'],
    otherTenant: 404,
    ok: 200,
  },
  {
    name: 'POST /v1/schedules/:id/resume',
    scope: 'write',
    request: () => ['POST', '/v1/schedules/daily/resume?tenant=acme'],
    otherTenant: 404,
    ok: 200,
  },
  {
    name: 'DELETE /v1/schedules/:id',
    scope: 'write',
    request: () => ['DELETE', '/v1/schedules/daily?tenant=acme'],
    otherTenant: 404,
    ok: 200,
  },
  {
    name: 'POST /v1/schedules/preview',
    scope: 'read',
    request: () => ['POST', '/v1/schedules/preview', { cron: '0 8 * * MON-FRI', tz: 'Europe/Berlin' }],
    otherTenant: 'open',
    ok: 200,
  },
  {
    name: 'GET /v1/activity',
    scope: 'read',
    request: () => ['GET', '/v1/activity?tenant=acme'],
    otherTenant: 'empty',
    ok: 200,
  },
];

/** The items of a list answer; for activity, the minutes in which some job ended. */
function listed(answer: {
  jobs?: unknown[];
  schedules?: unknown[];
  minutes?: { succeeded: number; failed: number; retried: number }[];
}): unknown[] {
  return (
    answer.jobs ?? answer.schedules ?? (answer.minutes ?? []).filter((m) => m.succeeded + m.failed + m.retried > 0)
  );
}

/** A token of acme that lacks `scope`, and one that has it. */
function tokensFor(scope: Scope): { without: Who; with: Who } {
  return scope === 'read'
    ? { without: 'acmeWriteOnly', with: 'acmeReader' }
    : { without: 'acmeReader', with: 'acmeWriter' };
}

describe('tokens on every /v1 route', () => {
  for (const route of ROUTES) {
    describe(route.name, () => {
      it('answers 401 without a token and with an unknown one, writing nothing', async () => {
        const s = server();
        const seeded = await seed(s);
        const before = await storeContents(s.store);
        const [method, url, payload] = route.request(s, seeded);
        const none = await call(s, undefined, method, url, payload);
        expect(none.statusCode).toBe(401);
        expect(errorOf(none).code).toBe('unauthorized');
        const unknown = await s.app.inject({
          method,
          url,
          headers: { authorization: 'Bearer secret-nobody' },
          ...(payload === undefined ? {} : { payload: payload as object }),
        });
        expect(unknown.statusCode).toBe(401);
        expect(await storeContents(s.store)).toEqual(before);
        expect((await s.store.getJob(seeded.job))?.status).toBe('waiting');
      });

      it(`answers 403 to a token without the "${route.scope}" scope, writing nothing`, async () => {
        const s = server();
        const seeded = await seed(s);
        const before = await storeContents(s.store);
        const [method, url, payload] = route.request(s, seeded);
        const response = await call(s, tokensFor(route.scope).without, method, url, payload);
        expect(response.statusCode).toBe(403);
        expect(errorOf(response)).toEqual({
          code: 'forbidden',
          message: `authorization: this token has no "${route.scope}" scope`,
        });
        expect(await storeContents(s.store)).toEqual(before);
        expect((await s.store.getJob(seeded.job))?.status).toBe('waiting');
      });

      it('keeps another tenant out, writing nothing', async () => {
        const s = server();
        const seeded = await seed(s);
        const before = await storeContents(s.store);
        const [method, url, payload] = route.request(s, seeded);
        const response = await call(s, 'boltWriter', method, url, payload);
        if (route.otherTenant === 'empty') {
          expect(response.statusCode).toBe(200);
          expect(listed(body(response))).toEqual([]);
        } else if (route.otherTenant === 'open') {
          expect(response.statusCode).toBe(route.ok);
        } else {
          expect(response.statusCode).toBe(route.otherTenant);
          expect(errorOf(response).code).toBe(route.otherTenant === 404 ? 'not_found' : 'forbidden');
        }
        expect(await storeContents(s.store)).toEqual(before);
        expect((await s.store.getJob(seeded.job))?.status).toBe('waiting');
      });

      it('serves the right token', async () => {
        const s = server();
        const seeded = await seed(s);
        const [method, url, payload] = route.request(s, seeded);
        const response = await call(s, tokensFor(route.scope).with, method, url, payload);
        expect(response.statusCode, response.body).toBe(route.ok);
        if (route.otherTenant === 'empty') expect(listed(body(response)).length).toBeGreaterThan(0);
      });
    });
  }
});

describe('tokens: what a token sees', () => {
  it('a read-only token is refused every write with 403, whatever the tenant', async () => {
    const s = server();
    const response = await call(s, 'acmeReader', 'POST', '/v1/jobs', { name: 'a.job', tenant: 'acme' });
    expect(response.statusCode).toBe(403);
    expect(errorOf(response).message).toBe('authorization: this token has no "write" scope');
  });

  it('a batch with one job of another tenant is refused whole, naming the job', async () => {
    const s = server();
    const response = await call(s, 'acmeWriter', 'POST', '/v1/jobs/batch', {
      jobs: [
        { name: 'a.job', tenant: 'acme' },
        { name: 'a.job', tenant: 'bolt' },
      ],
    });
    expect(response.statusCode).toBe(403);
    expect(errorOf(response).message).toBe('jobs[1].tenant: "bolt" is not a tenant of this token');
    expect((await storeContents(s.store)).jobs).toBe(0);
  });

  it('a token of two tenants lists both and no third; one of one tenant lists that tenant only', async () => {
    const s = server();
    for (const tenant of ['acme', 'bolt', 'cove', 'acme', 'cove']) {
      expect((await call(s, 'admin', 'POST', '/v1/jobs', { name: 'a.job', tenant })).statusCode).toBe(201);
    }
    const tenantsOf = async (who: Who) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = body(await call(s, who, 'GET', `/v1/jobs?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`));
        seen.push(...page.jobs.map((job: { tenant: string }) => job.tenant));
        cursor = page.nextCursor;
      } while (cursor !== null);
      return seen.sort();
    };
    expect(await tenantsOf('twoTenants')).toEqual(['acme', 'acme', 'bolt']);
    expect(await tenantsOf('acmeReader')).toEqual(['acme', 'acme']);
    expect(await tenantsOf('admin')).toEqual(['acme', 'acme', 'bolt', 'cove', 'cove']);
  });

  it('GET /v1/cluster needs the admin scope', async () => {
    const s = server();
    expect((await call(s, 'acmeWriter', 'GET', '/v1/cluster')).statusCode).toBe(403);
    expect((await call(s, undefined, 'GET', '/v1/cluster')).statusCode).toBe(401);
    expect((await call(s, 'admin', 'GET', '/v1/cluster')).statusCode).toBe(200);
  });

  it('health, readiness, metrics stay open: probes and scrapers carry no token', async () => {
    const s = server();
    expect((await call(s, undefined, 'GET', '/healthz')).statusCode).toBe(200);
    expect((await call(s, undefined, 'GET', '/readyz')).statusCode).toBe(200);
    expect((await call(s, undefined, 'GET', '/metrics')).statusCode).toBe(200);
  });

  it('accepts the scheme in any case and refuses other schemes', async () => {
    const s = server();
    const lower = await s.app.inject({ url: '/v1/jobs', headers: { authorization: 'bearer secret-acmeReader' } });
    expect(lower.statusCode).toBe(200);
    const basic = await s.app.inject({ url: '/v1/jobs', headers: { authorization: 'Basic c2VjcmV0' } });
    expect(basic.statusCode).toBe(401);
  });

  it('a server without tokens serves every request as before', async () => {
    const s = testServer();
    expect((await s.app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a.job' } })).statusCode).toBe(201);
    expect((await s.app.inject({ url: '/v1/cluster' })).statusCode).toBe(200);
  });
});

describe('a server without tokens on a loopback address', () => {
  it('answers requests addressed to a loopback name, and refuses others 403 before doing anything', async () => {
    const s = testServer({ loopbackHostsOnly: true });
    for (const host of ['localhost', 'localhost:8080', '127.0.0.1:8080', '[::1]:8080', 'LOCALHOST']) {
      const response = await s.app.inject({
        method: 'POST',
        url: '/v1/jobs',
        headers: { host },
        payload: { name: 'a.job' },
      });
      expect(response.statusCode, host).toBe(201);
    }
    for (const host of ['evil.example', 'localhost.evil.example', '127.0.0.1.nip.io', '10.0.0.5:8080']) {
      const response = await s.app.inject({
        method: 'POST',
        url: '/v1/jobs',
        headers: { host },
        payload: { name: 'a.job' },
      });
      expect(response.statusCode, host).toBe(403);
      expect(errorOf(response).message).toContain('expected a loopback name');
    }
    expect((await storeContents(s.store)).jobs).toBe(5);
  });
});

describe('a metrics token', () => {
  it('closes /metrics to a scrape without it, and opens it to one with it', async () => {
    const s = testServer({ metricsToken: 'scrape-me' });
    const none = await s.app.inject({ url: '/metrics' });
    expect(none.statusCode).toBe(401);
    expect(errorOf(none).message).toContain('/metrics expects');
    const wrong = await s.app.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-you' } });
    expect(wrong.statusCode).toBe(401);
    const right = await s.app.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-me' } });
    expect(right.statusCode).toBe(200);
    expect(right.body).toContain('cadenza_jobs_enqueued_total');
    // Health stays open: a probe carries no token.
    expect((await s.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('each token, a rate', () => {
  it('answers 429 with Retry-After past a token’s requests a second, each token on its own, and refills with time', async () => {
    const s = testServer({ tokens: () => table, requestsPerSecond: 5 });
    const get = (who: Who) => call(s, who, 'GET', '/v1/jobs');
    for (let i = 0; i < 5; i++) expect((await get('acmeReader')).statusCode).toBe(200);
    const over = await get('acmeReader');
    expect(over.statusCode).toBe(429);
    expect(over.headers['retry-after']).toBe('1');
    expect(errorOf(over)).toMatchObject({
      code: 'resource_exhausted',
      message: expect.stringContaining('"acmeReader"'),
    });
    // Another token has a bucket of its own.
    expect((await get('twoTenants')).statusCode).toBe(200);
    // A fifth of a second gives one request back, and no more.
    await s.clock.advance(200);
    expect((await get('acmeReader')).statusCode).toBe(200);
    expect((await get('acmeReader')).statusCode).toBe(429);
    // Writes of a token over its rate are refused and write nothing.
    for (let i = 0; i < 5; i++) {
      expect((await call(s, 'acmeWriter', 'POST', '/v1/jobs', { name: 'a.job', tenant: 'acme' })).statusCode).toBe(201);
    }
    const refused = await call(s, 'acmeWriter', 'POST', '/v1/jobs', { name: 'a.job', tenant: 'acme' });
    expect(refused.statusCode).toBe(429);
    expect((await storeContents(s.store)).jobs).toBe(5);
  });

  it('refuses a rate that is not a whole number of requests', () => {
    expect(() => testServer({ tokens: () => table, requestsPerSecond: 1.5 })).toThrow(/requestsPerSecond/);
  });
});
