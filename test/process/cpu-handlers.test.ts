// `cpu: true` handlers in a real `cadenza dev`: they run in worker threads, so a 10 s busy
// loop stalls neither other jobs nor /healthz; a thread past its memory limit or its job's
// timeout is ended, that attempt fails (`resource_exhausted`, `timeout`) and work goes on.
// Build first (`npx -y pnpm@12.4.2 build`); this runs dist/bin.js.
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, type Cadenza, enqueue, FIXTURE, startDev, waitForStatus } from './cadenza-process.js';

const HANDLERS = join(FIXTURE, 'cpu-handlers.mjs');
const ARGS = ['--store', 'memory', '--handlers', HANDLERS, '--cpu-threads', '2', '--cpu-memory-mb', '64'];
const QUICK_JOBS = 20;

let node: Cadenza | undefined;
beforeAll(() => assertBuilt());
afterEach(async () => {
  node?.proc.kill('SIGKILL');
  await node?.exited;
  node = undefined;
});

describe('cpu: true handlers in cadenza dev', () => {
  it('a 10 s busy loop in a thread: quick jobs keep succeeding and /healthz answers meanwhile', async () => {
    node = await startDev([...ARGS, '--log-level', 'warn']);
    const spin = await enqueue(node, { name: 'cpu.spin', payload: { ms: 10_000 } });
    await waitForStatus(node, spin, 'active');
    let slowestHealthMs = 0;
    for (let i = 0; i < QUICK_JOBS; i++) {
      const id = await enqueue(node, { name: 'quick', payload: i });
      expect(await waitForStatus(node, id, 'succeeded', 5_000)).toMatchObject({ result: { echo: i, inThread: false } });
      const asked = performance.now();
      const health = await fetch(`${node.url}/healthz`);
      expect(health.status).toBe(200);
      slowestHealthMs = Math.max(slowestHealthMs, performance.now() - asked);
    }
    // All of that happened inside the busy loop: had it blocked the event loop, the spinning
    // job would be over before the first quick job could even start.
    expect((await node.http<{ status: string }>('GET', `/v1/jobs/${spin}`)).body.status).toBe('active');
    expect(slowestHealthMs).toBeLessThan(2_000); // generous: an event loop held by the loop would take ~10 s
    expect(await waitForStatus(node, spin, 'succeeded', 30_000)).toMatchObject({
      result: { spun: 10_000, inThread: true },
    });
    expect(await node.stop()).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('a job past the thread memory limit fails with resource_exhausted; later jobs succeed', async () => {
    node = await startDev([...ARGS, '--log-level', 'error']);
    const hog = await enqueue(node, { name: 'cpu.hog' });
    const failed = await waitForStatus(node, hog, 'failed', 30_000);
    expect(failed.error).toMatchObject({ code: 'resource_exhausted', message: expect.stringContaining('64 MB') });
    for (const n of [1, 2, 3]) {
      const id = await enqueue(node, { name: 'cpu.double', payload: n });
      expect(await waitForStatus(node, id, 'succeeded')).toMatchObject({ result: { doubled: n * 2, inThread: true } });
    }
    const quick = await enqueue(node, { name: 'quick' });
    await waitForStatus(node, quick, 'succeeded');
    expect(await node.stop()).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('a CPU-bound job that ignores its signal past timeoutMs fails with timeout; its thread is replaced', async () => {
    node = await startDev([...ARGS, '--log-level', 'error']);
    // Both threads held by loops that never look at their signal.
    const stuck = [
      await enqueue(node, { name: 'cpu.stuck', timeoutMs: 300 }),
      await enqueue(node, { name: 'cpu.stuck', timeoutMs: 300 }),
    ];
    for (const id of stuck) {
      expect((await waitForStatus(node, id, 'failed')).error).toMatchObject({ code: 'timeout' });
    }
    // Only ended (and replaced) threads can run these.
    for (const n of [1, 2, 3]) {
      const id = await enqueue(node, { name: 'cpu.double', payload: n });
      expect(await waitForStatus(node, id, 'succeeded')).toMatchObject({ result: { doubled: n * 2 } });
    }
    expect(await node.stop()).toEqual({ code: 0, signal: null });
  }, 60_000);
});
