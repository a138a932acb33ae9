import { createMemoryStore, Hooks, type Job, type JobContext, realClock } from '@cadenza/core';
import { drive } from '@cadenza/core/testing';
import { JobAbortError } from '@cadenza/worker';
import { describe, expect, it } from 'vitest';
import { createEngine } from './engine.js';
import { events, stopAndCheck, testEngine } from './engine.test-helpers.js';

/** A handler that runs until its signal aborts, recording the reason. */
function untilAborted(reasons: unknown[]) {
  return (_job: Job, ctx: JobContext) =>
    new Promise((_resolve, reject) => {
      ctx.signal.addEventListener('abort', () => {
        reasons.push(ctx.signal.reason);
        reject(ctx.signal.reason);
      });
    });
}

describe('engine lifecycle', () => {
  it('a timeout aborts the handler and fails the attempt with code timeout', async () => {
    const reasons: unknown[] = [];
    let lateResult = false;
    const t = testEngine({
      polite: untilAborted(reasons),
      // Ignores its signal: the attempt is settled at the deadline all the same, and what
      // it returns later is dropped.
      rude: () =>
        t.clock.sleep(60_000).then(() => {
          lateResult = true;
          return 'too late';
        }),
    });
    await t.engine.start();
    const t0 = t.clock.now();
    const polite = await t.engine.enqueue({ name: 'polite', timeoutMs: 5000 });
    const rude = await t.engine.enqueue({ name: 'rude', timeoutMs: 2000 });
    const failed = await drive(t.clock, events(t.engine, 'failed', 2));
    expect(failed.map((f) => [f.job.name, f.error.code])).toEqual([
      ['rude', 'timeout'],
      ['polite', 'timeout'],
    ]);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(JobAbortError);
    expect((reasons[0] as JobAbortError).kind).toBe('timeout');
    const politeJob = await t.store.getJob(polite.id);
    expect(politeJob).toMatchObject({ status: 'failed', error: { code: 'timeout' } });
    expect((politeJob?.finishedAt ?? 0) - t0).toBeLessThan(5010);
    await t.clock.advance(60_000);
    expect(lateResult).toBe(true);
    expect(await t.store.getJob(rude.id)).toMatchObject({ status: 'failed', result: undefined });
    await stopAndCheck(t);
  });

  it('shutdown releases unstarted and unfinished jobs without spending attempts', async () => {
    const reasons: unknown[] = [];
    const t = testEngine({ slow: { concurrency: 1, handler: untilAborted(reasons) } });
    await t.engine.start();
    const started = events(t.engine, 'started', 1);
    const jobs = await t.engine.enqueueBatch([{ name: 'slow' }, { name: 'slow' }, { name: 'slow' }]);
    await drive(t.clock, started);
    const stopped = t.clock.now();
    const released = events(t.engine, 'released', 3);
    await drive(t.clock, t.engine.stop({ timeoutMs: 1000 }));
    await released;
    // The two claimed-but-queued jobs went back at once; the running one at the timeout.
    expect(t.clock.now() - stopped).toBe(1000);
    expect((reasons[0] as JobAbortError).kind).toBe('shutdown');
    for (const { id } of jobs) {
      expect(await t.store.getJob(id)).toMatchObject({ status: 'waiting', attempt: 0 });
    }
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('cancel of an active job aborts its signal', async () => {
    const reasons: unknown[] = [];
    const t = testEngine({ wait: untilAborted(reasons) });
    await t.engine.start();
    const started = events(t.engine, 'started', 1);
    const { id } = await t.engine.enqueue({ name: 'wait' });
    await drive(t.clock, started);
    const dropped = events(t.engine, 'dropped', 1);
    const job = await t.engine.cancel(id);
    expect(job.status).toBe('canceled');
    const [event] = await drive(t.clock, dropped, 10);
    expect(event?.reason).toBe('canceled');
    expect((reasons[0] as JobAbortError).kind).toBe('canceled');
    expect((await t.store.getJob(id))?.status).toBe('canceled');
    await stopAndCheck(t);
  });

  it('a throwing hook does not change the outcome', async () => {
    const hooks = new Hooks();
    const called: string[] = [];
    for (const kind of ['before', 'after', 'failure', 'retry', 'dead'] as const) {
      hooks.on(kind, () => {
        called.push(kind);
        throw new Error(`${kind} hook broke`);
      });
    }
    hooks.on('after', async () => {
      throw new Error('async after hook broke');
    });
    const t = testEngine(
      {
        ok: () => 'fine',
        bad: () => {
          throw new Error('handler broke');
        },
      },
      { hooks },
    );
    await t.engine.start();
    const ok = await t.engine.enqueue({ name: 'ok' });
    const bad = await t.engine.enqueue({ name: 'bad', maxAttempts: 2 });
    const succeeded = events(t.engine, 'succeeded', 1);
    await drive(t.clock, events(t.engine, 'failed', 2));
    await succeeded;
    expect(await t.store.getJob(ok.id)).toMatchObject({ status: 'succeeded', result: 'fine' });
    expect(await t.store.getJob(bad.id)).toMatchObject({
      status: 'failed',
      attempt: 2,
      error: { code: 'handler_error', message: 'handler broke' },
    });
    expect(called.filter((k) => k === 'before')).toHaveLength(3);
    expect(called.filter((k) => k === 'retry')).toHaveLength(1);
    expect(called.filter((k) => k === 'dead')).toHaveLength(1);
    await stopAndCheck(t);
  });

  it('runs on the real clock: a delayed job wakes the coordinator and runs on time', async () => {
    const engine = createEngine({
      store: createMemoryStore(),
      id: 'real',
      handlers: { echo: (job: Job) => job.payload },
    });
    await engine.start();
    const done = engine.worker.once('succeeded');
    const before = realClock.now();
    const { id, status } = await engine.enqueue({ name: 'echo', payload: { hi: 1 }, delayMs: 30 });
    expect(status).toBe('delayed');
    await done;
    const job = await engine.getJob(id);
    expect(job).toMatchObject({ status: 'succeeded', result: { hi: 1 } });
    // Woken by the store's due time, not by a poll: well inside the 1 s tick.
    expect((job?.startedAt ?? 0) - before).toBeGreaterThanOrEqual(30);
    expect((job?.startedAt ?? 0) - before).toBeLessThan(500);
    await engine.stop();
  });
});
