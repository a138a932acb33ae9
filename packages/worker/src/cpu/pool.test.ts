// The CPU pool with real threads. Threads run compiled JavaScript, so these tests use the
// built thread entry (dist/cpu/thread-entry.js): build first, as for the process tests.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createMemoryStore, type Job, type JobContext, type Logger, silentLogger } from '@cadenza/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JobAbortError } from '../attempt-outcome.js';
import { loadHandlersModule } from '../load-handlers.js';
import { HandlerRegistry } from '../registry.js';
import { Worker } from '../worker.js';
import { cpuPoolSize, withCpuPool } from './handlers.js';
import { CpuPool } from './pool.js';

const FIXTURE = fileURLToPath(new URL('./pool.fixture.mjs', import.meta.url));
const ENTRY = new URL('../../dist/cpu/thread-entry.js', import.meta.url);

const pools: CpuPool[] = [];
beforeAll(() => {
  if (!existsSync(ENTRY)) throw new Error(`${fileURLToPath(ENTRY)} is missing: build first (turbo run build)`);
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function pool(options: { size?: number; memoryMb?: number; graceMs?: number } = {}): CpuPool {
  const p = new CpuPool({
    modulePath: FIXTURE,
    size: options.size ?? 1,
    memoryMb: options.memoryMb ?? 64,
    graceMs: options.graceMs ?? 1000,
    log: silentLogger(),
    entry: ENTRY,
  });
  pools.push(p);
  return p;
}

interface Recorded {
  ctx: JobContext;
  controller: AbortController;
  progress: unknown[];
  heartbeats: number;
  logs: { bindings: unknown; args: unknown[] }[];
}

/** A ctx like the worker's, recording what the thread sends back. */
function context(): Recorded {
  const controller = new AbortController();
  const rec: Recorded = { ctx: undefined as unknown as JobContext, controller, progress: [], heartbeats: 0, logs: [] };
  const logger = (bindings: unknown): Logger =>
    ({
      level: 'info',
      info: (...args: unknown[]) => rec.logs.push({ bindings, args }),
      child: (more: unknown) => logger(more),
    }) as unknown as Logger;
  rec.ctx = {
    signal: controller.signal,
    log: logger({}),
    heartbeat: () => {
      rec.heartbeats++;
      return Promise.resolve();
    },
    progress: (value) => {
      rec.progress.push(value);
      return Promise.resolve();
    },
  };
  return rec;
}

const job = (payload: unknown): Job => ({ id: `j-${Math.random()}`, name: 'x', payload }) as unknown as Job;

describe('CpuPool', () => {
  it('runs a handler in a thread: payload and result cross as structured clones; log, progress, heartbeat come back', async () => {
    const p = pool();
    const rec = context();
    const result = (await p.run('cpu.echo', job({ n: 1, big: 2n }), rec.ctx)) as Record<string, unknown>;
    expect(result).toMatchObject({ payload: { n: 1, big: 2n }, at: new Date(0), inThread: true });
    expect(rec.progress).toEqual([{ half: true }]);
    expect(rec.heartbeats).toBe(1);
    expect(rec.logs).toEqual([{ bindings: {}, args: [{ step: 1 }, 'echo in thread'] }]);
  });

  it('a busy loop holds one thread only: another job finishes on a second thread meanwhile', async () => {
    const p = pool({ size: 2 });
    let spinDone = false;
    const spin = p.run('cpu.spin', job({ ms: 1500 }), context().ctx).then((id) => {
      spinDone = true;
      return id;
    });
    const echo = (await p.run('cpu.echo', job('x'), context().ctx)) as { threadId: number };
    expect(spinDone).toBe(false);
    expect(await spin).not.toBe(echo.threadId);
  });

  it('fails a job past the memory limit with resource_exhausted, replaces the thread and goes on', async () => {
    const p = pool({ memoryMb: 32 });
    await expect(p.run('cpu.hog', job(null), context().ctx)).rejects.toMatchObject({
      code: 'resource_exhausted',
      message: expect.stringContaining('32 MB'),
    });
    expect(await p.run('cpu.echo', job('after'), context().ctx)).toMatchObject({ payload: 'after' });
    expect(p.threads).toBe(1);
  });

  it('ends a thread whose handler ignores its abort after graceMs, and replaces it', async () => {
    const p = pool({ graceMs: 50 });
    const rec = context();
    const stuck = p.run('cpu.stuck', job(null), rec.ctx);
    // Queued behind the stuck job (one thread): it runs once that thread is ended and replaced.
    const next = p.run('cpu.echo', job('next'), context().ctx);
    rec.controller.abort(new JobAbortError('timeout', 'timed out after 10 ms'));
    await expect(stuck).rejects.toMatchObject({ kind: 'timeout' });
    expect(await next).toMatchObject({ payload: 'next' });
    expect(p.threads).toBe(1);
  });

  it('keeps a thread whose handler honours its abort', async () => {
    const p = pool({ graceMs: 60_000 });
    const before = (await p.run('cpu.echo', job(0), context().ctx)) as { threadId: number };
    const rec = context();
    const polite = p.run('cpu.polite', job(null), rec.ctx);
    rec.controller.abort(new JobAbortError('canceled', 'the job was canceled'));
    // The handler rejected with its signal's reason; the attempt was decided by the abort anyway.
    await expect(polite).rejects.toThrow('the job was canceled');
    // Not terminated (the grace is a minute): the same thread runs the next job.
    const after = (await p.run('cpu.echo', job(1), context().ctx)) as { threadId: number };
    expect(after.threadId).toBe(before.threadId);
  });

  it("a handler's thrown code reaches the attempt; a job aborted while queued never runs", async () => {
    const p = pool();
    await expect(p.run('cpu.throws', job(null), context().ctx)).rejects.toMatchObject({
      code: 'bad_input',
      message: 'bad input',
    });
    const spin = p.run('cpu.spin', job({ ms: 200 }), context().ctx);
    const rec = context();
    const queued = p.run('cpu.echo', job(null), rec.ctx);
    rec.controller.abort(new JobAbortError('canceled', 'canceled'));
    await expect(queued).rejects.toMatchObject({ kind: 'canceled' });
    expect(typeof (await spin)).toBe('number');
  });
});

describe('CPU handlers in a Worker', () => {
  it('refuses cpu: true handlers given in code (no module file for the threads), naming the handler', () => {
    const store = createMemoryStore();
    expect(
      () =>
        new Worker({
          store,
          id: 'w',
          handlers: { ok: () => 1, 'report.build': { cpu: true, handler: () => 1 } },
        }),
    ).toThrow(/handlers\["report\.build"\]\.cpu: .*loadHandlersModule/);
  });

  it('routes the cpu: true handlers of a loaded module through the pool, and only those', async () => {
    const registry = await loadHandlersModule(FIXTURE);
    expect(registry.modulePath).toBe(FIXTURE);
    const routed = withCpuPool(registry, {
      threads: 2,
      memoryMb: 64,
      graceMs: 100,
      concurrency: 10,
      log: silentLogger(),
    });
    expect(routed.pool).toBeInstanceOf(CpuPool);
    expect(routed.registry.get('inline')?.handler).toBe(registry.get('inline')?.handler);
    expect(routed.registry.get('cpu.echo')?.handler).not.toBe(registry.get('cpu.echo')?.handler);
    expect(
      withCpuPool(HandlerRegistry.from({ a: () => 1 }), {
        threads: undefined,
        memoryMb: 64,
        graceMs: 1,
        concurrency: 1,
        log: silentLogger(),
      }).pool,
    ).toBeUndefined();
  });

  it('sizes the pool: explicit, else the summed concurrency of CPU handlers, else cores - 1; within the worker concurrency', () => {
    const fn = () => 1;
    const limited = HandlerRegistry.from({
      a: { cpu: true, handler: fn, concurrency: 2 },
      b: { cpu: true, handler: fn, concurrency: 3 },
    });
    expect(cpuPoolSize(limited, { threads: 7, concurrency: 10 })).toBe(7);
    expect(cpuPoolSize(limited, { threads: undefined, concurrency: 10 })).toBe(5);
    expect(cpuPoolSize(limited, { threads: undefined, concurrency: 4 })).toBe(4);
    const open = HandlerRegistry.from({ a: { cpu: true, handler: fn } });
    expect(cpuPoolSize(open, { threads: undefined, concurrency: 1 })).toBe(1);
    expect(cpuPoolSize(open, { threads: undefined, concurrency: 1000 })).toBeGreaterThanOrEqual(1);
  });
});
