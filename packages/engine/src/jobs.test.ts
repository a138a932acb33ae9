import { Hooks, type Job } from '@cadenza/core';
import { drive } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import { events, stopAndCheck, testEngine } from './engine.test-helpers.js';

describe('jobs through the engine', () => {
  it('retries with exponential backoff at the right instants', async () => {
    const starts: number[] = [];
    const hooks = new Hooks();
    const retryAts: number[] = [];
    let dead = 0;
    hooks.on('retry', (e) => {
      retryAts.push(e.retryAt);
    });
    hooks.on('dead', () => {
      dead++;
    });
    const t = testEngine(
      {
        flaky: () => {
          starts.push(t.clock.now());
          throw new Error('still broken');
        },
      },
      { hooks },
    );
    await t.engine.start();
    const t0 = t.clock.now();
    const { id } = await t.engine.enqueue({
      name: 'flaky',
      maxAttempts: 4,
      backoff: { type: 'exponential', delayMs: 1000 },
    });
    const failed = await drive(t.clock, events(t.engine, 'failed', 4));
    expect(starts.map((s) => s - t0)).toEqual([0, 1000, 3000, 7000]);
    expect(failed.map((f) => (f.retryAt === undefined ? undefined : f.retryAt - t0))).toEqual([
      1000,
      3000,
      7000,
      undefined,
    ]);
    expect(retryAts.map((r) => r - t0)).toEqual([1000, 3000, 7000]);
    expect(dead).toBe(1);
    const job = await t.engine.getJob(id);
    expect(job).toMatchObject({
      status: 'failed',
      attempt: 4,
      error: { code: 'handler_error', message: 'still broken' },
    });
    await stopAndCheck(t);
  });

  it('runs a dependency chain A → B → C in order', async () => {
    const order: string[] = [];
    const t = testEngine({ step: (job: Job) => void order.push(String(job.payload)) });
    await t.engine.start();
    const a = await t.engine.enqueue({ name: 'step', payload: 'A' });
    const b = await t.engine.enqueue({ name: 'step', payload: 'B', dependsOn: [a.id] });
    const c = await t.engine.enqueue({ name: 'step', payload: 'C', dependsOn: [b.id] });
    await drive(t.clock, events(t.engine, 'succeeded', 3));
    expect(order).toEqual(['A', 'B', 'C']);
    expect((await t.store.getJob(c.id))?.status).toBe('succeeded');
    await stopAndCheck(t);
  });

  it('fails B and C with dependency_failed when A fails', async () => {
    const order: string[] = [];
    const t = testEngine({
      step: (job: Job) => {
        order.push(String(job.payload));
        if (job.payload === 'A') throw new Error('A broke');
      },
    });
    await t.engine.start();
    const a = await t.engine.enqueue({ name: 'step', payload: 'A' });
    const b = await t.engine.enqueue({ name: 'step', payload: 'B', dependsOn: [a.id] });
    const c = await t.engine.enqueue({ name: 'step', payload: 'C', dependsOn: [b.id] });
    const released = t.engine.coordinator.once('tick', (e) => e.dependents > 0);
    await drive(t.clock, events(t.engine, 'failed', 1));
    await drive(t.clock, released, 60_000);
    expect(order).toEqual(['A']);
    for (const id of [b.id, c.id]) {
      const job = await t.store.getJob(id);
      expect(job?.status).toBe('failed');
      expect(job?.error?.code).toBe('dependency_failed');
    }
    await stopAndCheck(t);
  });

  it('runs priority 9 jobs before priority 1 jobs', async () => {
    const order: number[] = [];
    const t = testEngine({ p: (job: Job) => void order.push(job.priority) }, { concurrency: 1 });
    await t.engine.enqueueBatch(Array.from({ length: 5 }, () => ({ name: 'p', priority: 1 })));
    await t.engine.enqueueBatch(Array.from({ length: 5 }, () => ({ name: 'p', priority: 9 })));
    await t.engine.start();
    await drive(t.clock, events(t.engine, 'succeeded', 10));
    expect(order).toEqual([9, 9, 9, 9, 9, 1, 1, 1, 1, 1]);
    await stopAndCheck(t);
  });

  it('serves two tenants with 1,000 and 10 jobs fairly', async () => {
    const order: string[] = [];
    const t = testEngine({ work: (job: Job) => void order.push(job.tenant) }, { concurrency: 10 });
    await t.engine.enqueueBatch(Array.from({ length: 1000 }, () => ({ name: 'work', tenant: 'big' })));
    await t.engine.enqueueBatch(Array.from({ length: 10 }, () => ({ name: 'work', tenant: 'small' })));
    await t.engine.start();
    await drive(t.clock, events(t.engine, 'succeeded', 1010));
    // Round robin between equal-priority tenants: small's 10 jobs are all done within
    // the first 20 started, although 1,000 of big's were queued ahead of them.
    const lastSmall = order.lastIndexOf('small');
    expect(lastSmall).toBeLessThan(20);
    expect(order.slice(0, 20).filter((x) => x === 'small')).toHaveLength(10);
    expect(order.filter((x) => x === 'big')).toHaveLength(1000);
    await stopAndCheck(t);
  });
});
