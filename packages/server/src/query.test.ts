import { describe, expect, it } from 'vitest';
import { errorOf, storeContents, testServer } from './server.test-helpers.js';

describe('bad query parameters', () => {
  const bad: [string, string][] = [
    ['/v1/jobs?status=done', 'status'],
    ['/v1/jobs?limit=0', 'limit'],
    ['/v1/jobs?limit=1001', 'limit'],
    ['/v1/jobs?limit=ten', 'limit'],
    ['/v1/jobs?tenant=Acme', 'tenant'],
    ['/v1/jobs?name=-x', 'name'],
    ['/v1/jobs?tag=a%20b', 'tag'],
    ['/v1/jobs?cursor=garbage', 'cursor'],
    ['/v1/jobs?status=waiting&status=failed', 'status'],
    ['/v1/jobs?sort=asc', 'sort'],
    ['/v1/jobs?include=everything', 'include'],
    ['/v1/jobs?include=', 'include'],
    ['/v1/jobs?include=payload,payload', 'include'],
    ['/v1/jobs?include=payload%2C%20result', 'include'],
    ['/v1/jobs?include=payload&include=result', 'include'],
    ['/v1/schedules?tenant=A', 'tenant'],
    ['/v1/schedules?limit=-1', 'limit'],
    ['/v1/schedules/s?tenant=A', 'tenant'],
    ['/v1/jobs/-x', 'id'],
  ];
  for (const [url, field] of bad) {
    it(`refuses ${url} naming ${field}`, async () => {
      const { app, store } = testServer();
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(400);
      const error = errorOf(res);
      expect(error.code).toBe('invalid_argument');
      expect(error.message.startsWith(`${field}:`)).toBe(true);
      expect(await storeContents(store)).toEqual({ jobs: 0, schedules: 0 });
    });
  }
});

describe('include', () => {
  it('names the allowed values when it refuses one', async () => {
    const { app } = testServer();
    const error = errorOf(await app.inject({ url: '/v1/jobs?include=errors' }));
    expect(error.message).toBe(
      'include: got "errors", expected payload, result, or both separated by a comma (payload,result)',
    );
  });
});

describe('limit', () => {
  it('defaults to 50 and accepts up to 1000', async () => {
    const { app } = testServer();
    const jobs = Array.from({ length: 60 }, (_, i) => ({ name: `j${i}` }));
    await app.inject({ method: 'POST', url: '/v1/jobs/batch', payload: { jobs } });
    const page = (await app.inject({ url: '/v1/jobs' })).json() as { jobs: unknown[]; nextCursor: string | null };
    expect(page.jobs).toHaveLength(50);
    expect(page.nextCursor).not.toBeNull();
    const all = (await app.inject({ url: '/v1/jobs?limit=1000' })).json() as { jobs: unknown[] };
    expect(all.jobs).toHaveLength(60);
  });
});
