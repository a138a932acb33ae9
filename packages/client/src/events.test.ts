import type { CadenzaEvent, Store } from '@cadenza/core';
import { realClock } from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { claim, clientFixture } from './client.test-helpers.js';

const t = clientFixture();

/** Collects events until `count` came, then stops the iteration. */
async function collect(events: AsyncIterable<CadenzaEvent>, count: number, stop: AbortController) {
  const seen: CadenzaEvent[] = [];
  for await (const event of events) {
    seen.push(event);
    if (seen.length === count) stop.abort();
  }
  return seen;
}

/** The leader's promotion of a job whose retry time came, as a coordinator would do it. */
async function promote(worker: Store, now: number): Promise<void> {
  const fence = await worker.acquireLeadership('coordinator', 30_000, now);
  if (fence === undefined) throw new Error('no leadership');
  await worker.promoteDelayed(fence, now, 100);
}

describe('client.events()', () => {
  it('sees a job that fails once and then succeeds, event by event, from every process', async () => {
    const stop = new AbortController();
    // Subscribed before anything happens: "from now on" is the default.
    const seen = collect(t.client.events({ signal: stop.signal }), 6, stop);
    const { id } = await t.client.enqueue({ name: 'email.send', tenant: 'acme', maxAttempts: 2 });
    const first = await claim(t.worker, id);
    const error = { code: 'handler_error', message: 'smtp timeout' };
    const retryAt = realClock.now() + 1;
    await t.worker.settle(
      [{ jobId: id, token: first.lease.token, outcome: 'failed', error, retryAt }],
      realClock.now(),
    );
    await promote(t.worker, retryAt + 1);
    const second = await claim(t.worker, id);
    await t.worker.settle(
      [{ jobId: id, token: second.lease.token, outcome: 'succeeded', result: 'ok' }],
      realClock.now(),
    );

    const events = await seen;
    expect(events.map((e) => [e.type, e.jobId ?? null, e.attempt ?? null])).toEqual([
      ['enqueued', id, null],
      ['started', id, 1],
      ['retried', id, 1],
      ['leader_changed', null, null],
      ['started', id, 2],
      ['succeeded', id, 2],
    ]);
    expect(events[0]).toMatchObject({ tenant: 'acme', name: 'email.send', status: 'waiting' });
    expect(events[2]).toMatchObject({ reason: 'backoff', error, retryAt });
    // Ids order the events and are unique.
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('resumes after an event id, replaying only what came after it', async () => {
    const a = await t.client.enqueue({ name: 'a' });
    const b = await t.client.enqueue({ name: 'b' });
    const c = await t.client.enqueue({ name: 'c' });
    const all = new AbortController();
    const replay = await collect(t.client.events({ after: '0', signal: all.signal }), 3, all);
    expect(replay.map((e) => e.jobId)).toEqual([a.id, b.id, c.id]);
    const rest = new AbortController();
    const resumed = await collect(t.client.events({ after: replay[0]?.id, signal: rest.signal }), 2, rest);
    expect(resumed.map((e) => e.jobId)).toEqual([b.id, c.id]);
  });

  it('tells events of one batch apart, and resumes inside a batch', async () => {
    const results = await t.client.enqueueBatch([{ name: 'x' }, { name: 'y' }, { name: 'z' }]);
    const all = new AbortController();
    const replay = await collect(t.client.events({ after: '0', signal: all.signal }), 3, all);
    expect(replay.map((e) => e.jobId)).toEqual(results.map((r) => r.id));
    const rest = new AbortController();
    const resumed = await collect(t.client.events({ after: replay[1]?.id, signal: rest.signal }), 1, rest);
    expect(resumed.map((e) => e.jobId)).toEqual([results[2]?.id]);
  });

  it('ends an iteration that waits for events when its signal aborts', async () => {
    const stop = new AbortController();
    const waiting = collect(t.client.events({ signal: stop.signal }), 1, stop);
    stop.abort();
    expect(await waiting).toEqual([]);
  });
});
