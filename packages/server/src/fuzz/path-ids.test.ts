/**
 * Ids in paths at the edges of their length (names and ids are 1 to 128 characters), and
 * paths that are not valid percent-encoding. Before the fix, fastify's default
 * maxParamLength (100) answered a valid id of 101 to 128 characters 414 in fastify's own
 * shape instead of the route's answer, and a path such as `/v1/jobs/%` 400 in that shape too.
 */
import { describe, expect, it } from 'vitest';
import { errorOf } from '../server.test-helpers.js';
import { fuzzServer, injectChecked } from './check.test-helpers.js';
import { seed } from './seed.test-helpers.js';

const routes = (id: string) =>
  [
    ['GET', `/v1/jobs/${id}`],
    ['DELETE', `/v1/jobs/${id}`],
    ['POST', `/v1/jobs/${id}/retry`],
    ['GET', `/v1/schedules/${id}`],
    ['DELETE', `/v1/schedules/${id}`],
    ['POST', `/v1/schedules/${id}/trigger`],
    ['POST', `/v1/schedules/${id}/pause`],
    ['POST', `/v1/schedules/${id}/resume`],
  ] as const;

describe('ids in paths', () => {
  for (const length of [100, 101, 128]) {
    it(`answers a valid id of ${length} characters as the route does (404 not_found of that id)`, async () => {
      const server = fuzzServer();
      await seed(server);
      const id = `a${'b'.repeat(length - 1)}`;
      for (const [method, url] of routes(id)) {
        const response = await injectChecked(server, { method, url });
        expect(response.statusCode, `${method} ${url}`).toBe(404);
        expect(errorOf(response).message, `${method} ${url}`).toContain(JSON.stringify(id));
      }
    });
  }

  it('answers an id of 128 characters with every ":" percent-encoded as the route does', async () => {
    const server = fuzzServer();
    await seed(server);
    const id = `a${':'.repeat(127)}`;
    const response = await injectChecked(server, { method: 'GET', url: `/v1/jobs/${encodeURIComponent(id)}` });
    expect(response.statusCode).toBe(404);
    expect(errorOf(response).message).toContain(JSON.stringify(id));
  });

  it('creates a schedule whose id has 128 characters', async () => {
    const server = fuzzServer();
    const id = `a${'b'.repeat(127)}`;
    const response = await injectChecked(server, {
      method: 'PUT',
      url: `/v1/schedules/${id}`,
      payload: { name: 'report', every: 60_000 },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().id).toBe(id);
  });

  for (const [label, id] of [
    ['129 characters', `a${'b'.repeat(128)}`],
    ['1,000 characters', 'a'.repeat(1000)],
  ] as const) {
    it(`refuses an id of ${label} with 400 invalid_argument naming the id, writing nothing`, async () => {
      const server = fuzzServer();
      await seed(server);
      for (const [method, url] of [...routes(id), ['PUT', `/v1/schedules/${id}`] as const]) {
        const body = method === 'PUT' ? { payload: { name: 'report', every: 60_000 } } : {};
        const response = await injectChecked(server, { method, url, ...body });
        expect(response.statusCode, `${method} ${url}`).toBe(400);
        const error = errorOf(response);
        expect(error.code).toBe('invalid_argument');
        expect(error.message, `${method} ${url}`).toMatch(/^id: /);
      }
    });
  }

  for (const path of ['/v1/jobs/%', '/v1/jobs/%ZZ', '/v1/schedules/%E0%A4%A', '/v1/schedules/a%ZZb/pause']) {
    it(`refuses ${path} with 400 invalid_argument, writing nothing`, async () => {
      const server = fuzzServer();
      await seed(server);
      for (const method of ['GET', 'POST', 'PUT', 'DELETE'] as const) {
        const response = await injectChecked(server, { method, url: path, payload: {} });
        expect(response.statusCode, `${method} ${path}`).toBe(400);
        expect(errorOf(response).code).toBe('invalid_argument');
      }
    });
  }
});
