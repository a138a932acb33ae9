import {
  createMemoryStore,
  FakeClock,
  type HandlersMap,
  type HeartbeatEntry,
  type NewJob,
  type Settlement,
  type Store,
} from '@cadenza/core';
import { drive, newJob, spyStore } from '@cadenza/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { JobAbortError } from './attempt-outcome.js';
import type { WorkerOptions } from './options.js';
import { Worker } from './worker.js';

let clock: FakeClock;
const workers: Worker[] = [];

function worker(store: Store, handlers: HandlersMap, options: Partial<WorkerOptions> = {}): Worker {
  const w = new Worker({ store, clock, id: `w${workers.length + 1}`, handlers, ...options });
  workers.push(w);
  return w;
}

async function enqueue(store: Store, ...jobs: Partial<NewJob>[]): Promise<string[]> {
  const now = clock.now();
  const full = jobs.map((fields) => newJob({ tenant: 'default', payload: null, ...fields }, now));
  return (await store.enqueue(full, now)).map((r) => r.id);
}

/** Resolves after `count` events of one kind. */
function count(w: Worker, event: 'succeeded' | 'failed' | 'dropped' | 'started', n: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const off = w.on(event, () => {
      if (++seen === n) {
        off();
        resolve();
      }
    });
  });
}

/** A handler that waits for its signal and records why it aborted. */
function untilAborted(reasons: unknown[]) {
  return (_job: unknown, ctx: { signal: AbortSignal }) =>
    new Promise((_resolve, reject) => {
      ctx.signal.addEventListener('abort', () => {
        reasons.push(ctx.signal.reason);
        reject(ctx.signal.reason);
      });
    });
}

afterEach(async () => {
  await drive(clock, Promise.all(workers.splice(0).map((w) => w.stop())));
  expect(clock.pendingTimers).toBe(0); // leak check: a stopped worker leaves no timer behind
});

describe('Worker', () => {
  it('runs sync and async handlers and stores JSON results (else undefined)', async () => {
    clock = new FakeClock();
    const store = createMemoryStore();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const seen: number[] = [];
    const w = worker(store, {
      sync: (job) => {
        seen.push(job.attempt);
        return { a: 1, at: new Date(0) };
      },
      async: async () => 'done',
      bigint: () => 10n,
      cyclic: () => cyclic,
    });
    const ids = await enqueue(store, { name: 'sync' }, { name: 'async' }, { name: 'bigint' }, { name: 'cyclic' });
    await w.start();
    await drive(clock, count(w, 'succeeded', 4));
    const jobs = await store.getJobs(ids);
    expect(jobs.map((j) => j?.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(jobs.map((j) => j?.result)).toEqual([
      { a: 1, at: '1970-01-01T00:00:00.000Z' },
      'done',
      undefined,
      undefined,
    ]);
    expect(seen).toEqual([1]);
  });

  it('turns thrown values into job errors, and a missing handler into no_handler', async () => {
    clock = new FakeClock();
    const store = createMemoryStore();
    const w = worker(store, {
      coded: () => {
        throw Object.assign(new Error('quota exceeded'), { code: 'E_QUOTA' });
      },
      plain: async () => {
        throw new Error('boom');
      },
      text: () => {
        throw 'just text';
      },
    });
    const ids = await enqueue(store, { name: 'coded' }, { name: 'plain' }, { name: 'text' }, { name: 'unknown' });
    await w.start();
    await drive(clock, count(w, 'failed', 4));
    const jobs = await store.getJobs(ids);
    expect(jobs.map((j) => j?.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(jobs.map((j) => j?.error?.code)).toEqual(['E_QUOTA', 'handler_error', 'handler_error', 'no_handler']);
    expect(jobs.map((j) => j?.error?.message.slice(0, 14))).toEqual([
      'quota exceeded',
      'boom',
      'just text',
      'no handler for',
    ]);
  });

  it('heartbeats every lease in one call and settles a burst in one call', async () => {
    clock = new FakeClock();
    const { store, calls } = spyStore(createMemoryStore());
    const w = worker(store, { nap: () => clock.sleep(100) }, { concurrency: 20, heartbeatEveryMs: 60, leaseMs: 1000 });
    await enqueue(store, ...Array.from({ length: 20 }, () => ({ name: 'nap' })));
    await w.start();
    await drive(clock, count(w, 'succeeded', 20));
    // One claim took all 20 (a later one, once slots freed, found nothing).
    expect(calls.claim?.[0]?.[0]).toMatchObject({ limit: 20 });
    expect(calls.heartbeat).toHaveLength(1);
    expect(calls.heartbeat?.[0]?.[0] as HeartbeatEntry[]).toHaveLength(20);
    expect(calls.settle).toHaveLength(1);
    expect(calls.settle?.[0]?.[0] as Settlement[]).toHaveLength(20);
  });

  it('sends progress with the next heartbeat', async () => {
    clock = new FakeClock();
    const store = createMemoryStore();
    const w = worker(
      store,
      {
        slow: async (_job, ctx) => {
          await ctx.progress({ pct: 50 });
          await clock.sleep(1000);
        },
      },
      { leaseMs: 900 },
    );
    const [id] = await enqueue(store, { name: 'slow' });
    const started = w.once('started');
    await w.start();
    await drive(clock, started);
    await clock.advance(300);
    expect((await store.getJob(id ?? ''))?.progress).toEqual({ pct: 50 });
    await drive(clock, w.once('succeeded'));
  });

  it('ctx.progress and ctx.heartbeat work taken off ctx, and ctx.log is one logger per job', async () => {
    clock = new FakeClock();
    const { store, calls } = spyStore(createMemoryStore());
    const loggers: unknown[] = [];
    const w = worker(store, {
      slow: async (_job, ctx) => {
        const { progress, heartbeat, log } = ctx;
        loggers.push(log, ctx.log);
        await progress({ pct: 10 });
        await heartbeat();
      },
    });
    const [id] = await enqueue(store, { name: 'slow' });
    await w.start();
    await drive(clock, w.once('succeeded'));
    expect(calls.heartbeat?.[0]?.[0]).toEqual([expect.objectContaining({ jobId: id, progress: { pct: 10 } })]);
    expect(loggers[0]).toBe(loggers[1]);
  });

  it('aborts the signal when the store answers a heartbeat with lost, and writes nothing', async () => {
    clock = new FakeClock();
    const { store, calls, overrides } = spyStore(createMemoryStore());
    overrides.heartbeat = (entries) => Promise.resolve(entries.map(() => 'lost' as const));
    const reasons: unknown[] = [];
    const w = worker(store, { wait: untilAborted(reasons) });
    await enqueue(store, { name: 'wait' });
    await w.start();
    const dropped = await drive(clock, w.once('dropped'));
    expect(dropped.reason).toBe('lost');
    expect(reasons).toHaveLength(1);
    expect((reasons[0] as JobAbortError).kind).toBe('lost');
    expect(calls.settle).toBeUndefined();
  });

  it('stops a handler whose lease lapsed while the store could not be reached', async () => {
    clock = new FakeClock();
    const { store, overrides } = spyStore(createMemoryStore());
    const reasons: unknown[] = [];
    const w = worker(store, { wait: untilAborted(reasons) }, { leaseMs: 900, heartbeatEveryMs: 300 });
    const errors: [string, number][] = [];
    await enqueue(store, { name: 'wait' });
    const started = w.once('started');
    await w.start();
    await drive(clock, started);
    const t0 = clock.now();
    w.on('error', (e) => errors.push([e.during, clock.now() - t0]));
    overrides.heartbeat = () => Promise.reject(new Error('store unreachable'));
    const dropped = await drive(clock, w.once('dropped'));
    expect(dropped.reason).toBe('lost');
    expect(clock.now() - t0).toBe(900);
    expect((reasons[0] as JobAbortError).kind).toBe('lost');
    // Tried again with backoff (50, 100, 200 ms…), the last try at the instant the lease ran out.
    expect(errors).toEqual([
      ['heartbeat', 300],
      ['heartbeat', 350],
      ['heartbeat', 450],
      ['heartbeat', 650],
      ['heartbeat', 900],
    ]);
  });

  it('aborts the signal of an active job canceled in the store at its next heartbeat', async () => {
    clock = new FakeClock();
    const store = createMemoryStore();
    const reasons: unknown[] = [];
    const w = worker(store, { wait: untilAborted(reasons) }, { heartbeatEveryMs: 500 });
    const [id = ''] = await enqueue(store, { name: 'wait' });
    const started = w.once('started');
    await w.start();
    await drive(clock, started);
    const startedAt = clock.now();
    await store.cancel(id, clock.now());
    const dropped = await drive(clock, w.once('dropped'));
    expect(dropped.reason).toBe('canceled');
    expect(clock.now() - startedAt).toBeLessThanOrEqual(500);
    expect(reasons[0]).toBeInstanceOf(JobAbortError);
    expect((reasons[0] as JobAbortError).kind).toBe('canceled');
    expect((await store.getJob(id))?.status).toBe('canceled');
  });

  it('keeps a handler to its own concurrency limit', async () => {
    clock = new FakeClock();
    const store = createMemoryStore();
    let now = 0;
    let most = 0;
    const starts: number[] = [];
    const t0 = clock.now();
    const w = worker(store, {
      one: {
        concurrency: 2,
        handler: async () => {
          starts.push(clock.now() - t0);
          most = Math.max(most, ++now);
          await clock.sleep(100);
          now--;
        },
      },
    });
    await enqueue(store, ...Array.from({ length: 5 }, () => ({ name: 'one' })));
    await w.start();
    await drive(clock, count(w, 'succeeded', 5));
    expect(most).toBe(2);
    expect(starts).toEqual([0, 0, 100, 100, 200]);
  });

  it('stop() waits for a running handler that finishes within the timeout', async () => {
    clock = new FakeClock();
    const store = createMemoryStore();
    const w = worker(store, { nap: () => clock.sleep(500).then(() => 'rested') });
    const [id = ''] = await enqueue(store, { name: 'nap' });
    const started = w.once('started');
    await w.start();
    await drive(clock, started);
    await drive(clock, w.stop({ timeoutMs: 1000 }));
    expect((await store.getJob(id))?.status).toBe('succeeded');
    expect((await store.getJob(id))?.result).toBe('rested');
  });

  it('emits idle once the queue is empty and nothing is in hand', async () => {
    clock = new FakeClock();
    const store = createMemoryStore();
    const w = worker(store, { noop: () => undefined });
    await enqueue(store, { name: 'noop' }, { name: 'noop' });
    const idle = w.once('idle');
    await w.start();
    await drive(clock, idle);
    expect(w.activeJobs).toEqual([]);
    expect((await store.depths()).find((d) => d.status === 'succeeded')?.count).toBe(2);
  });
});
