import { createMemoryStore, MemoryEventLog, withEvents } from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { testServer } from '../server.test-helpers.js';
import { openEvents } from '../sse.test-helpers.js';
import { hashToken, TokenTable } from './tokens.js';

const table = new TokenTable([
  { name: 'acme', sha256: hashToken('t-acme'), tenants: ['acme'], scopes: ['read'] },
  { name: 'ops', sha256: hashToken('t-ops'), tenants: '*', scopes: ['admin'] },
]);

describe('GET /v1/events with tokens', () => {
  it("streams a tenant token only its tenants' events, and an admin everything", async () => {
    const events = new MemoryEventLog();
    const store = withEvents(createMemoryStore(), events);
    const { app } = testServer({ store, events, tokens: () => table });
    // The cluster's own event, which names no tenant.
    events.append([{ type: 'leader_changed', at: 0, nodeId: 'c1', epoch: 1 }]);
    for (const tenant of ['acme', 'bolt', 'acme', 'bolt']) {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/jobs',
        headers: { authorization: 'Bearer t-ops' },
        payload: { name: 'n', tenant },
      });
      expect(response.statusCode).toBe(201);
    }
    const base = await app.listen({ host: '127.0.0.1', port: 0 });

    const admin = await openEvents(base, '/v1/events?after=0', { authorization: 'Bearer t-ops' });
    await admin.reached(5);
    expect(admin.events.map((e) => e.tenant ?? e.type)).toEqual(['leader_changed', 'acme', 'bolt', 'acme', 'bolt']);

    const acme = await openEvents(base, '/v1/events?after=0', { authorization: 'Bearer t-acme' });
    await acme.reached(2);
    // Asking for another tenant by name shows nothing of it either.
    const asked = await openEvents(base, '/v1/events?after=0&tenant=bolt', { authorization: 'Bearer t-acme' });
    // One more acme event: the acme stream must show it, the bolt-asking stream must not.
    await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: { authorization: 'Bearer t-ops' },
      payload: { name: 'n', tenant: 'acme' },
    });
    await acme.reached(3);
    expect(acme.events.map((e) => e.tenant)).toEqual(['acme', 'acme', 'acme']);
    expect(asked.events).toEqual([]);

    const refused = await fetch(`${base}/v1/events`);
    expect(refused.status).toBe(401);
  });
});
