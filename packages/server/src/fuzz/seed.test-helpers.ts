import { expect } from 'vitest';
import type { FuzzServer } from './check.test-helpers.js';

/**
 * A store with something in it, so that a refused request has something to spoil: jobs in
 * two tenants (one canceled, so final), and schedules of each kind. Returns the ids, which
 * the fuzzers use as path parameters beside arbitrary ones.
 */
export interface Seeded {
  jobIds: string[];
  scheduleIds: string[];
}

export async function seed(server: FuzzServer, authorization?: string): Promise<Seeded> {
  const headers = authorization === undefined ? {} : { authorization };
  const jobIds: string[] = [];
  for (const tenant of ['default', 'acme', 'beta']) {
    for (const payload of [{ to: 'ada@example.com' }, null]) {
      const response = await server.app.inject({
        method: 'POST',
        url: '/v1/jobs',
        headers,
        payload: { name: 'email.send', tenant, payload, tags: ['seed'] },
      });
      expect(response.statusCode, response.body).toBe(201);
      jobIds.push(response.json().id);
    }
  }
  const canceled = await server.app.inject({ method: 'DELETE', url: `/v1/jobs/${jobIds[0]}`, headers });
  expect(canceled.statusCode, canceled.body).toBe(200);

  const schedules: [string, string, object][] = [
    ['digest', 'default', { name: 'email.send', cron: '0 8 * * MON-FRI', tz: 'Europe/Berlin' }],
    ['hourly', 'acme', { name: 'report', every: 3_600_000 }],
    ['once', 'acme', { name: 'report', at: '2026-06-01T00:00:00.000Z' }],
    ['by-hand', 'beta', { name: 'report', manual: true, paused: true }],
  ];
  for (const [id, tenant, body] of schedules) {
    const response = await server.app.inject({
      method: 'PUT',
      url: `/v1/schedules/${id}?tenant=${tenant}`,
      headers,
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(201);
  }
  return { jobIds, scheduleIds: schedules.map(([id]) => id) };
}
