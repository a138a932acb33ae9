// Every attempt outcome writes one JSON line on the stdout of a real `cadenza dev`: a success,
// a failure that succeeds on its retry, a failure for good and a job with no handler; and no
// line is lost when the process ends — after SIGTERM in the middle of a run, and when a
// handler ends the process in the same turn as it logs. Build first; this runs dist/bin.js.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, type Cadenza, enqueue, runCli, startDev, waitFor, waitForStatus } from './cadenza-process.js';
import { killAfterEach, tempDir } from './sandbox.js';

const HANDLERS = `
import { setTimeout as sleep } from 'node:timers/promises';
export default {
  ok: () => 'fine',
  flaky: (job) => {
    if (job.attempt === 1) throw Object.assign(new Error('first try fails'), { code: 'E_FLAKY' });
    return 'fine the second time';
  },
  broken: () => {
    throw new Error('always broken');
  },
  nap: () => sleep(2),
  // Ends the process in the turn it logs in: nothing gets to write the held line but the exit.
  exit: (_job, ctx) => {
    ctx.log.info('about to exit');
    process.exit(3);
  },
  crash: (_job, ctx) => {
    ctx.log.info('about to crash');
    queueMicrotask(() => {
      throw new Error('crash outside the handler');
    });
  },
};
`;

interface Line {
  level: number;
  msg: string;
  jobId?: string;
  name?: string;
  tenant?: string;
  attempt?: number;
  [field: string]: unknown;
}

const folder = tempDir('attempt-logs');
let handlers: string;
const track = killAfterEach();

beforeAll(() => {
  assertBuilt();
  handlers = join(folder.path, 'handlers.mjs');
  writeFileSync(handlers, HANDLERS);
});

async function dev(args: readonly string[]): Promise<Cadenza> {
  const node = await startDev(['--handlers', handlers, ...args]);
  return track(node);
}

/** Waits for the process's exit and the end of its stdout ('exit' may come before the last lines are read). */
async function ended(node: Cadenza, signal?: NodeJS.Signals) {
  const closed = node.proc.stdout?.closed === false ? once(node.proc.stdout, 'close') : undefined;
  const exit = signal === undefined ? await node.exited : await node.stop(signal);
  await closed;
  return exit;
}

/** The JSON lines of stdout (the start line is the only other one). */
function jsonLines(stdout: readonly string[]): Line[] {
  return stdout.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
}

const ATTEMPT_MESSAGES = [
  'job succeeded',
  'job failed, will retry',
  'job failed',
  'job released: the worker is stopping',
];

function attemptLines(stdout: readonly string[], id?: string): Line[] {
  return jsonLines(stdout).filter((l) => ATTEMPT_MESSAGES.includes(l.msg) && (id === undefined || l.jobId === id));
}

describe('a log line per attempt outcome, from cadenza dev', () => {
  it('success, retry then success, failure for good and no handler: one line each, with the job fields', async () => {
    const node = await dev(['--store', 'memory']);
    const ok = await enqueue(node, { name: 'ok', tenant: 'acme' });
    const flaky = await enqueue(node, { name: 'flaky', maxAttempts: 2, backoff: { type: 'fixed', delayMs: 50 } });
    const broken = await enqueue(node, { name: 'broken' });
    const missing = await enqueue(node, { name: 'missing' });
    await waitForStatus(node, ok, 'succeeded');
    await waitForStatus(node, flaky, 'succeeded');
    await waitForStatus(node, broken, 'failed');
    await waitForStatus(node, missing, 'failed');
    expect(await ended(node, 'SIGTERM')).toEqual({ code: 0, signal: null });

    const at = (id: string) => attemptLines(node.stdout, id).map((l) => [l.level, l.msg, l.attempt]);
    expect(at(ok)).toEqual([[30, 'job succeeded', 1]]);
    expect(at(flaky)).toEqual([
      [40, 'job failed, will retry', 1],
      [30, 'job succeeded', 2],
    ]);
    expect(at(broken)).toEqual([[50, 'job failed', 1]]);
    expect(at(missing)).toEqual([[50, 'job failed', 1]]);

    const [success] = attemptLines(node.stdout, ok);
    expect(success).toMatchObject({ jobId: ok, name: 'ok', tenant: 'acme', role: 'dev' });
    expect(success?.durationMs).toEqual(expect.any(Number));
    const [retry] = attemptLines(node.stdout, flaky);
    expect(retry).toMatchObject({
      jobId: flaky,
      name: 'flaky',
      tenant: 'default',
      maxAttempts: 2,
      error: { code: 'E_FLAKY', message: 'first try fails' },
    });
    // retryAt is the backoff after the line's own time, as an instant.
    expect(Date.parse(String(retry?.retryAt)) - Date.parse(String(retry?.time))).toBeGreaterThanOrEqual(0);
    expect(attemptLines(node.stdout, broken)[0]).toMatchObject({
      name: 'broken',
      maxAttempts: 1,
      error: { code: 'handler_error', message: 'always broken' },
    });
    expect(attemptLines(node.stdout, missing)[0]).toMatchObject({
      name: 'missing',
      error: { code: 'no_handler', message: 'no handler for job name "missing" in this worker' },
    });
  }, 30_000);

  it('--log-level warn keeps the failure lines and drops the success lines', async () => {
    const node = await dev(['--store', 'memory', '--log-level', 'warn']);
    const ok = await enqueue(node, { name: 'ok' });
    const broken = await enqueue(node, { name: 'broken' });
    await waitForStatus(node, ok, 'succeeded');
    await waitForStatus(node, broken, 'failed');
    expect(await ended(node, 'SIGTERM')).toEqual({ code: 0, signal: null });
    expect(attemptLines(node.stdout).map((l) => [l.jobId, l.msg])).toEqual([[broken, 'job failed']]);
    expect(jsonLines(node.stdout).every((l) => l.level >= 40)).toBe(true);
  }, 30_000);

  it('SIGTERM in the middle of a run: every job the store settled or released has its line, and the last line is "stopped"', async () => {
    const file = join(folder.path, 'sigterm.db');
    const node = await dev(['--store', `sqlite:${file}`, '--concurrency', '20']);
    const jobs = Array.from({ length: 1000 }, () => ({ name: 'nap' }));
    const batch = await node.http<{ ids: string[] }>('POST', '/v1/jobs/batch', { jobs });
    expect(batch.status).toBe(201);
    await waitFor('the first success line', () => attemptLines(node.stdout).length > 0);
    expect(await ended(node, 'SIGTERM')).toEqual({ code: 0, signal: null });

    const lines = jsonLines(node.stdout);
    expect(lines.at(-1)).toMatchObject({ msg: 'stopped', code: 0 });
    const logged = (msg: string) =>
      attemptLines(node.stdout)
        .filter((l) => l.msg === msg)
        .map((l) => String(l.jobId))
        .sort();
    const listed = async (status: string) => {
      const out = await runCli(['jobs', '--status', status, '--limit', '1000', '--store', `sqlite:${file}`]);
      expect(out.code).toBe(0);
      return [...out.stdout.matchAll(/default:[0-9a-z]+/g)].map((m) => m[0]).sort();
    };
    const succeeded = await listed('succeeded');
    expect(succeeded.length).toBeGreaterThan(0);
    expect(logged('job succeeded')).toEqual(succeeded);
    // A released job is back to waiting, unspent.
    const waiting = new Set(await listed('waiting'));
    expect(succeeded.length + waiting.size).toBe(1000);
    for (const id of logged('job released: the worker is stopping')) expect(waiting.has(id)).toBe(true);
  }, 60_000);

  for (const [name, code, said] of [
    ['exit', 3, 'about to exit'],
    ['crash', 1, 'about to crash'],
  ] as const) {
    it(`a process that ends in the turn it logged in (${name}: exit ${code}) still writes that line`, async () => {
      const node = await dev(['--store', 'memory']);
      const id = await enqueue(node, { name });
      const exit = await ended(node);
      expect(exit).toEqual({ code, signal: null });
      expect(jsonLines(node.stdout).at(-1)).toMatchObject({ msg: said, jobId: id, name, attempt: 1 });
    }, 30_000);
  }
});
