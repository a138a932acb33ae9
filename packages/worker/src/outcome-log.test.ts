// The worker's one log line per attempt outcome, read from a logger that keeps every call:
// exactly one line per attempt, with the job's fields; levels below the logger's are never
// even built (the check a worker at tens of thousands of jobs a second relies on).
import {
  createMemoryStore,
  FakeClock,
  type HandlersMap,
  jobLogFields,
  type Logger,
  type NewJob,
  type Store,
} from '@cadenza/core';
import { drive, newJob } from '@cadenza/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from './worker.js';

const RANK: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

interface Line {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** pino's call shapes; lines at or above `level` are kept, calls below it are counted apart. */
function captureLog(level: string) {
  const lines: Line[] = [];
  const below: Line[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const log: Record<string, unknown> = {
      level,
      isLevelEnabled: (l: string) => (RANK[l] ?? 0) >= (RANK[level] ?? 0),
      child: (more: Record<string, unknown>) => make({ ...bindings, ...more }),
    };
    for (const l of Object.keys(RANK)) {
      log[l] = (fields: object | string, msg = '') => {
        const line =
          typeof fields === 'string'
            ? { level: l, ...bindings, msg: fields }
            : { level: l, ...bindings, ...fields, msg };
        ((RANK[l] ?? 0) >= (RANK[level] ?? 0) ? lines : below).push(line);
      };
    }
    return log as unknown as Logger;
  };
  return { log: make({}), lines, below };
}

let clock: FakeClock;
let worker: Worker | undefined;

afterEach(async () => {
  if (worker !== undefined) await drive(clock, worker.stop());
  worker = undefined;
});

async function enqueue(store: Store, ...jobs: Partial<NewJob>[]): Promise<string[]> {
  const now = clock.now();
  return (
    await store.enqueue(
      jobs.map((fields) => newJob({ tenant: 'default', payload: null, ...fields }, now)),
      now,
    )
  ).map((r) => r.id);
}

const handlers: HandlersMap = {
  ok: () => clock.sleep(25),
  flaky: () => {
    throw Object.assign(new Error('first try fails'), { code: 'E_FLAKY' });
  },
  broken: async () => {
    await clock.sleep(5);
    throw new Error('always broken');
  },
  slow: (_job, ctx) =>
    new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
};

/** One of each outcome: success, failure with a retry left, failure for good, no handler, timeout. */
async function runOneOfEach(level: string) {
  clock = new FakeClock();
  const store = createMemoryStore();
  const { log, lines, below } = captureLog(level);
  const [ok, flaky, broken, missing, slow] = await enqueue(
    store,
    { name: 'ok' },
    { name: 'flaky', maxAttempts: 3, backoff: { type: 'fixed', delayMs: 1000 } },
    { name: 'broken' },
    { name: 'missing' },
    { name: 'slow', timeoutMs: 50 },
  );
  worker = new Worker({ store, clock, id: 'w1', handlers, log });
  let outcomes = 0;
  const allDone = new Promise<void>((resolve) => {
    const seen = () => {
      if (++outcomes === 5) resolve();
    };
    worker?.on('succeeded', seen);
    worker?.on('failed', seen);
  });
  const startedAt = clock.now();
  await worker.start();
  await drive(clock, allDone);
  const ofJob = (id: string | undefined) => lines.filter((l) => l.jobId === id);
  return { ids: { ok, flaky, broken, missing, slow }, ofJob, lines, below, startedAt };
}

const job = (id: string | undefined, name: string) => ({
  worker: 'w1',
  jobId: id,
  name,
  tenant: 'default',
  attempt: 1,
});

describe('a log line per attempt outcome', () => {
  it('at info: succeeded with its duration, a retry with error and retryAt, final failures with their error', async () => {
    const { ids, ofJob, startedAt } = await runOneOfEach('info');
    expect(ofJob(ids.ok)).toEqual([{ level: 'info', ...job(ids.ok, 'ok'), durationMs: 25, msg: 'job succeeded' }]);
    expect(ofJob(ids.flaky)).toEqual([
      {
        level: 'warn',
        ...job(ids.flaky, 'flaky'),
        maxAttempts: 3,
        durationMs: 0,
        error: { code: 'E_FLAKY', message: 'first try fails' },
        retryAt: new Date(startedAt + 1000).toISOString(),
        msg: 'job failed, will retry',
      },
    ]);
    expect(ofJob(ids.broken)).toEqual([
      {
        level: 'error',
        ...job(ids.broken, 'broken'),
        maxAttempts: 1,
        durationMs: 5,
        error: { code: 'handler_error', message: 'always broken' },
        msg: 'job failed',
      },
    ]);
    expect(ofJob(ids.missing)).toEqual([
      {
        level: 'error',
        ...job(ids.missing, 'missing'),
        maxAttempts: 1,
        durationMs: 0,
        error: { code: 'no_handler', message: 'no handler for job name "missing" in this worker' },
        msg: 'job failed',
      },
    ]);
    expect(ofJob(ids.slow)).toEqual([
      {
        level: 'error',
        ...job(ids.slow, 'slow'),
        maxAttempts: 1,
        durationMs: 50,
        error: { code: 'timeout', message: 'timed out after 50 ms' },
        msg: 'job failed',
      },
    ]);
  });

  it('at warn: no success line is built; retries and final failures are written', async () => {
    const { ids, lines, below } = await runOneOfEach('warn');
    const attemptLines = lines.filter((l) => l.jobId !== undefined);
    expect(attemptLines.map((l) => [l.name, l.level, l.msg])).toEqual(
      expect.arrayContaining([
        ['flaky', 'warn', 'job failed, will retry'],
        ['broken', 'error', 'job failed'],
        ['missing', 'error', 'job failed'],
        ['slow', 'error', 'job failed'],
      ]),
    );
    expect(attemptLines).toHaveLength(4);
    expect(lines.some((l) => l.jobId === ids.ok)).toBe(false);
    expect(below.filter((l) => l.msg === 'job succeeded')).toEqual([]);
  });

  it('at error: only the failures for good', async () => {
    const { lines, below } = await runOneOfEach('error');
    const attemptLines = lines.filter((l) => l.jobId !== undefined);
    expect(attemptLines.map((l) => l.name).sort()).toEqual(['broken', 'missing', 'slow']);
    expect(below.filter((l) => l.jobId !== undefined)).toEqual([]);
  });

  it('every line carries every field of jobLogFields (written out one by one here, for speed)', async () => {
    const { lines } = await runOneOfEach('info');
    const keys = Object.keys(jobLogFields({ id: 'x', name: 'n', tenant: 't', attempt: 1 }));
    const attemptLines = lines.filter((l) => l.jobId !== undefined);
    expect(attemptLines).toHaveLength(5);
    for (const line of attemptLines) expect(Object.keys(line)).toEqual(expect.arrayContaining(keys));
  });

  it('a job given back at shutdown says so', async () => {
    clock = new FakeClock();
    const store = createMemoryStore();
    const { log, lines } = captureLog('info');
    const [id] = await enqueue(store, { name: 'slow' });
    worker = new Worker({ store, clock, id: 'w1', handlers, log, shutdownTimeoutMs: 10 });
    const started = worker.once('started');
    await worker.start();
    await drive(clock, started);
    await drive(clock, worker.stop());
    expect(lines.filter((l) => l.jobId === id)).toEqual([
      { level: 'info', ...job(id, 'slow'), msg: 'job released: the worker is stopping' },
    ]);
    expect((await store.getJob(id ?? ''))?.status).toBe('waiting');
  });
});
