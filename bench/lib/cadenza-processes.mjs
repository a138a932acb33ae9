// The cadenza side's worker processes: the real `cadenza worker` command (and `cadenza
// coordinator` where delayed jobs or schedules need one), started the way users start them —
// packages/cli/dist/bin.js with its defaults (log level info: a line per job; no --port) —
// with stdout sent to a file in a temp folder, as a log collector would take it. Everything
// is read from outside the processes:
//   - progress and the throughput window from the log: each "job succeeded" line, whose
//     `time` − `durationMs` is the handler's start (to the ms);
//   - CPU from /proc/<pid>/stat (lib/proc-cpu.mjs), before and after the timed phase;
//   - round trips: socket writes to Redis, counted as the harness and BullMQ's children count
//     theirs (lib/round-trips.mjs) by lib/count-writes.mjs, preloaded with `node --import`,
//     which tells its count on SIGUSR2 (the one thing added to the command: a comparison per
//     socket write);
//   - per-job lateness (figures 3, 4, 5, 7) from lib/recording-handlers.mjs, which writes its
//     samples to a file when the process exits.
// The handle has the same shape as lib/workers.mjs's (BullMQ's forked children).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpuMsOf } from './proc-cpu.mjs';
import { portOf } from './round-trips.mjs';
import { window } from './stats.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
export const NOOP_HANDLERS = join(ROOT, 'bench', 'noop-handlers.mjs');
const RECORDING_HANDLERS = join(ROOT, 'bench', 'lib', 'recording-handlers.mjs');
const COUNT_WRITES = pathToFileURL(join(ROOT, 'bench', 'lib', 'count-writes.mjs')).href;

// Every process started and not yet exited: killed if the harness itself ends early (an
// error mid-scenario), so that none is left running against a Redis that is gone.
const live = new Set();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A `cadenza` child with stdout appended to `logFile`; resolves once its start line is in the file. */
export async function startCommand(command, args, { logFile, env = {}, nodeArgs = [] }) {
  const out = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_WORKER_FLAGS?.split(' ').filter(Boolean) ?? []), ...nodeArgs, BIN, command, ...args],
    { stdio: ['ignore', out, 'inherit'], env: { ...process.env, ...env } },
  );
  closeSync(out);
  live.add(child);
  let exited = false;
  child.once('exit', (code, signal) => {
    live.delete(child);
    exited = true;
    if (code !== 0 && signal !== 'SIGTERM') console.error(`cadenza ${command} exited with ${code ?? signal}`);
  });
  const deadline = Date.now() + 30_000;
  while (!new RegExp(`^cadenza ${command} `, 'm').test(readFileSync(logFile, 'utf8'))) {
    if (exited) throw new Error(`cadenza ${command} exited before it started; its output: ${logFile}`);
    if (Date.now() > deadline) throw new Error(`cadenza ${command} did not start within 30 s; its output: ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return child;
}

/** Follows one worker's log file: "job succeeded" lines, and the first and last handler start. */
export class LogTail {
  constructor(file) {
    this.file = file;
    this.offset = 0;
    this.rest = '';
    this.done = 0;
    this.failed = 0;
    this.firstStartAt = Number.POSITIVE_INFINITY;
    this.lastStartAt = 0;
    this.buffer = Buffer.alloc(1 << 20);
  }

  read() {
    const fd = openSync(this.file, 'r');
    try {
      for (;;) {
        const n = readSync(fd, this.buffer, 0, this.buffer.length, this.offset);
        if (n === 0) break;
        this.offset += n;
        const text = this.rest + this.buffer.toString('utf8', 0, n);
        const end = text.lastIndexOf('\n');
        this.rest = text.slice(end + 1);
        for (const line of text.slice(0, end + 1).split('\n')) this.line(line);
      }
    } finally {
      closeSync(fd);
    }
  }

  line(line) {
    if (line.includes('"msg":"job succeeded"')) {
      this.done++;
      const time = Date.parse(/"time":"([^"]+)"/.exec(line)?.[1] ?? '');
      const duration = Number(/"durationMs":(\d+)/.exec(line)?.[1] ?? 0);
      const startedAt = time - duration;
      if (startedAt < this.firstStartAt) this.firstStartAt = startedAt;
      if (startedAt > this.lastStartAt) this.lastStartAt = startedAt;
    } else if (line.includes('"msg":"job failed')) {
      this.failed++;
    }
  }
}

/**
 * Starts `count` `cadenza worker` processes on an empty queue (and one `cadenza coordinator`
 * when `config.coordinator`), resolved once each has printed its start line. config: { url,
 * prefix, concurrency, record (per-job lateness samples), sleepMs, coordinator }.
 */
export async function spawnCadenzaWorkers(count, config) {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-bench-'));
  const redis = ['--redis', config.url, '--prefix', config.prefix];
  const coordinator = config.coordinator
    ? await startCommand('coordinator', redis, { logFile: join(dir, 'coordinator.log') })
    : undefined;
  const record = config.record || config.sleepMs > 0;
  const workers = await Promise.all(
    Array.from({ length: count }, async (_, k) => {
      const logFile = join(dir, `worker-${k}.log`);
      const samplesFile = join(dir, `samples-${k}.json`);
      const writesFile = join(dir, `writes-${k}.txt`);
      const child = await startCommand(
        'worker',
        [
          ...redis,
          '--handlers',
          record ? RECORDING_HANDLERS : NOOP_HANDLERS,
          '--concurrency',
          String(config.concurrency),
        ],
        {
          logFile,
          nodeArgs: ['--import', COUNT_WRITES],
          env: {
            BENCH_WRITES_FILE: writesFile,
            BENCH_REDIS_PORT: String(portOf(config.url)),
            ...(record ? { BENCH_SAMPLES_FILE: samplesFile, BENCH_SLEEP_MS: String(config.sleepMs ?? 0) } : {}),
          },
        },
      );
      return {
        child,
        tail: new LogTail(logFile),
        samplesFile,
        writesFile,
        asked: 0,
        cpuFrom: 0,
        cpuTo: undefined,
        writesFrom: undefined,
        writesTo: undefined,
      };
    }),
  );
  const done = () => {
    let sum = 0;
    for (const w of workers) {
      w.tail.read();
      sum += w.tail.done;
    }
    return sum;
  };
  const end = async () => {
    for (const w of workers) w.cpuTo ??= cpuMsOf(w.child.pid);
    for (const w of workers) if (w.writesFrom !== undefined) w.writesTo ??= await writesOf(w);
  };
  let held = false;
  return {
    name: 'cadenza',
    /** The worker processes' ids (not the coordinator's). */
    pids: workers.map((w) => w.child.pid),
    done,
    /**
     * Freezes the workers (SIGSTOP) so that a backlog can be enqueued before any of them
     * sees it; `go` thaws them. They are started and idle by then, like BullMQ's children
     * before their 'go' message: neither system's start-up is timed.
     */
    async hold() {
      for (const w of workers) w.writesFrom = await writesOf(w);
      for (const w of workers) w.child.kill('SIGSTOP');
      held = true;
    },
    /** Notes each worker's CPU so far, lets them run; answers the epoch ms. */
    go() {
      for (const w of workers) w.cpuFrom = cpuMsOf(w.child.pid);
      const at = Date.now();
      if (held) for (const w of workers) w.child.kill('SIGCONT');
      held = false;
      return at;
    },
    /** Resolves once `total` jobs are logged as succeeded, with { firstStartAt, lastStartAt } over all workers. */
    async waitDone(total, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (done() < total) {
        if (Date.now() > deadline) throw new Error(`cadenza: ${done()} of ${total} jobs done after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return window(workers.map((w) => w.tail));
    },
    /** Reads each worker's CPU (and socket writes, if `hold` read them) now: the end of the timed phase; `stop` does it otherwise. */
    end,
    /** SIGTERM to every process (workers drain), and what they measured. */
    async stop() {
      await end();
      const exits = workers.map((w) => (w.child.exitCode === null ? once(w.child, 'exit') : undefined));
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(exits);
      if (coordinator) {
        const exit = once(coordinator, 'exit');
        coordinator.kill('SIGTERM');
        await exit;
      }
      const results = workers.map((w) => {
        w.tail.read();
        if (w.tail.failed > 0) console.warn(`  cadenza worker: ${w.tail.failed} job(s) failed (${w.tail.file})`);
        return {
          done: w.tail.done,
          firstStartAt: w.tail.done > 0 ? w.tail.firstStartAt : 0,
          lastStartAt: w.tail.lastStartAt,
          samples: existsSync(w.samplesFile) ? JSON.parse(readFileSync(w.samplesFile, 'utf8')) : {},
          cpuMs: w.cpuTo - w.cpuFrom,
          writes: w.writesFrom === undefined ? Number.NaN : w.writesTo - w.writesFrom,
        };
      });
      if (!process.env.BENCH_KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
      else console.log(`  cadenza logs kept in ${dir}`);
      return results;
    },
  };
}

/** A worker's socket writes to Redis so far: SIGUSR2 to its lib/count-writes.mjs, which writes them to a file. */
async function writesOf(w) {
  const asked = ++w.asked;
  w.child.kill('SIGUSR2');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [answer, writes] = existsSync(w.writesFile) ? readFileSync(w.writesFile, 'utf8').split(' ').map(Number) : [];
    if (answer === asked) return writes;
    if (Date.now() > deadline) throw new Error(`cadenza worker ${w.child.pid} did not tell its socket writes`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
