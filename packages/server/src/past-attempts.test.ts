import { createMemoryStore, type Store } from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { body, testServer } from './server.test-helpers.js';

/** Claims the one job ready now as `workerId` and fails it, to be retried 1 s later. */
async function failOnce(store: Store, now: number, workerId: string): Promise<void> {
  const [claimed] = await store.claim({ workerId, limit: 1, leaseMs: 30_000, now });
  if (claimed === undefined) throw new Error('nothing to claim');
  await store.settle(
    [
      {
        jobId: claimed.id,
        token: claimed.lease.token,
        outcome: 'failed',
        error: { code: 'handler_error', message: `boom ${claimed.attempt}` },
        retryAt: now + 2000,
      },
    ],
    now + 1000,
  );
}

describe('GET /v1/jobs/:id: pastAttempts', () => {
  it('lists the attempts that ended before the latest one, oldest first; lists of jobs leave them out', async () => {
    const { app, store, clock } = testServer();
    const { id } = body(
      await app.inject({
        method: 'POST',
        url: '/v1/jobs',
        payload: { name: 'a', maxAttempts: 3 },
      }),
    );
    expect(body(await app.inject({ url: `/v1/jobs/${id}` })).pastAttempts).toEqual([]);
    await failOnce(store, clock.now(), 'w1');
    await clock.advance(5000);
    // The coordinator's part: the retry's delay is over, so the job is ready again.
    const fence = await store.acquireLeadership('c1', 10_000, clock.now());
    if (fence === undefined) throw new Error('no leadership');
    await store.promoteDelayed(fence, clock.now(), 10);
    await failOnce(store, clock.now(), 'w2');
    const job = body(await app.inject({ url: `/v1/jobs/${id}` }));
    expect(job.attempt).toBe(2);
    expect(job.pastAttempts).toEqual([
      {
        attempt: 1,
        startedAt: '2026-01-01T00:00:00.000Z',
        endedAt: '2026-01-01T00:00:01.000Z',
        workerId: 'w1',
        error: { code: 'handler_error', message: 'boom 1' },
      },
      {
        attempt: 2,
        startedAt: '2026-01-01T00:00:05.000Z',
        endedAt: '2026-01-01T00:00:06.000Z',
        workerId: 'w2',
        error: { code: 'handler_error', message: 'boom 2' },
      },
    ]);
    const [listed] = body(await app.inject({ url: '/v1/jobs' })).jobs;
    expect(listed.id).toBe(id);
    expect(listed).not.toHaveProperty('pastAttempts');
  });

  it('is [] on a store that keeps no past attempts', async () => {
    const memory = createMemoryStore();
    const store = new Proxy(memory, {
      get(target, key) {
        if (key === 'pastAttempts') return undefined;
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const { app, clock } = testServer({ store });
    const { id } = body(await app.inject({ method: 'POST', url: '/v1/jobs', payload: { name: 'a', maxAttempts: 2 } }));
    await failOnce(store, clock.now(), 'w1');
    const job = body(await app.inject({ url: `/v1/jobs/${id}` }));
    expect(job.attempt).toBe(1);
    expect(job.pastAttempts).toEqual([]);
  });
});
