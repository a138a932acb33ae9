import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../memory/memory-store.js';
import { scheduleDefinition } from '../testing/fixtures.js';
import { newJob } from '../testing/index.js';
import type { CadenzaEvent } from './event.js';
import { subscribe } from './event-log.js';
import { MemoryEventLog } from './memory-event-log.js';
import { withEvents } from './store-events.js';

const T0 = Date.UTC(2026, 0, 1);
const LEASE = 30_000;

const brief = (events: readonly CadenzaEvent[]) => events.map((e) => [e.type, e.jobId, e.attempt ?? null]);

describe('withEvents', () => {
  it('tells a job’s life: enqueued, started, retried, started again, succeeded', async () => {
    const log = new MemoryEventLog();
    const store = withEvents(createMemoryStore(), log);
    const job = newJob({ maxAttempts: 2 });
    await store.enqueue([job], T0);
    const [first] = await store.claim({ workerId: 'w1', limit: 1, leaseMs: LEASE, now: T0 + 1 });
    if (first === undefined) throw new Error('nothing claimed');
    await store.heartbeat([{ jobId: job.id, token: first.lease.token, progress: { done: 1 } }], LEASE, T0 + 2);
    const error = { code: 'handler_error', message: 'flaky' };
    await store.settle(
      [{ jobId: job.id, token: first.lease.token, outcome: 'failed', error, retryAt: T0 + 10 }],
      T0 + 3,
    );
    const fence = await store.acquireLeadership('c1', LEASE, T0 + 4);
    if (fence === undefined) throw new Error('no leadership');
    await store.promoteDelayed(fence, T0 + 10, 10);
    const [second] = await store.claim({ workerId: 'w2', limit: 1, leaseMs: LEASE, now: T0 + 11 });
    if (second === undefined) throw new Error('nothing claimed again');
    await store.settle([{ jobId: job.id, token: second.lease.token, outcome: 'succeeded', result: 1 }], T0 + 12);
    // A stale settlement (the lease is gone) tells nothing.
    await store.settle([{ jobId: job.id, token: first.lease.token, outcome: 'succeeded', result: 1 }], T0 + 13);

    const { events } = await log.read('0', { limit: 100, waitMs: 0 });
    expect(brief(events)).toEqual([
      ['enqueued', job.id, null],
      ['started', job.id, 1],
      ['progress', job.id, 1],
      ['retried', job.id, 1],
      ['leader_changed', undefined, null],
      ['started', job.id, 2],
      ['succeeded', job.id, 2],
    ]);
    expect(events[0]).toMatchObject({ tenant: 'acme', name: 'email.send', status: 'waiting', at: T0 });
    expect(events[1]).toMatchObject({ nodeId: 'w1' });
    expect(events[2]).toMatchObject({ progress: { done: 1 } });
    expect(events[3]).toMatchObject({ reason: 'backoff', retryAt: T0 + 10, error });
    expect(events[4]).toMatchObject({ nodeId: 'c1', epoch: fence.epoch });
  });

  it('tells fires, cancels and hand retries, and nothing for a repeated idempotency key', async () => {
    const log = new MemoryEventLog();
    const store = withEvents(createMemoryStore(), log);
    const kept = newJob({ idempotencyKey: 'k1' });
    await store.enqueue([kept], T0);
    await store.enqueue([newJob({ idempotencyKey: 'k1' })], T0);
    await store.cancel(kept.id, T0 + 1);
    const schedule = scheduleDefinition();
    await store.upsertSchedule(schedule, T0);
    const fired = await store.triggerSchedule(schedule.tenant, schedule.id, T0 + 2);
    const { events } = await log.read('0', { limit: 100, waitMs: 0 });
    expect(events.map((e) => e.type)).toEqual(['enqueued', 'canceled', 'fired']);
    expect(events[2]).toMatchObject({ jobId: fired.id, scheduleId: schedule.id, scheduledFor: T0 + 2 });
  });
});

describe('MemoryEventLog', () => {
  it('resumes after an id, waits for new events, and ends a subscription when aborted', async () => {
    const log = new MemoryEventLog(3);
    log.append([1, 2, 3, 4].map((n) => ({ type: 'enqueued' as const, at: n })));
    // Only the last three are kept; '0' reads from the oldest kept.
    expect((await log.read('0', { limit: 10, waitMs: 0 })).events.map((e) => e.at)).toEqual([2, 3, 4]);
    expect((await log.read('3', { limit: 10, waitMs: 0 })).events.map((e) => e.at)).toEqual([4]);

    const abort = new AbortController();
    const seen: number[] = [];
    const reading = (async () => {
      for await (const event of subscribe(log, { signal: abort.signal, waitMs: 60_000 })) {
        seen.push(event.at);
        if (seen.length === 2) abort.abort();
      }
    })();
    // From now on only: the subscriber waits, and is woken by these.
    log.append([{ type: 'started', at: 5 }]);
    log.append([{ type: 'succeeded', at: 6 }]);
    await reading;
    expect(seen).toEqual([5, 6]);
  });
});
