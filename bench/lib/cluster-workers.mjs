// `cadenza worker` processes on any Redis topology, for bench/cluster.mjs: the real command
// (packages/cli/dist/bin.js worker) with the Redis flags given (`--redis URL` or
// `--redis-cluster URL,URL…`), the no-op handlers, its defaults otherwise; stdout to a log
// file, read from outside as lib/cadenza-processes.mjs does (that module starts workers on
// one `--redis` URL only, with the round-trip counter preloaded, which counts one port).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NOOP_HANDLERS } from './cadenza-processes.mjs';
import { cpuMsOf } from './proc-cpu.mjs';

const BIN = join(import.meta.dirname, '..', '..', 'packages', 'cli', 'dist', 'bin.js');

const live = new Set();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Counts a log's `job succeeded` lines and notes the first and last handler start (time − durationMs). */
class Tail {
  constructor(file) {
    this.file = file;
    this.offset = 0;
    this.rest = '';
    this.done = 0;
    this.failed = 0;
    this.first = Number.POSITIVE_INFINITY;
    this.last = 0;
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
        for (const line of text.slice(0, end + 1).split('\n')) {
          if (line.includes('"msg":"job succeeded"')) {
            this.done++;
            const at =
              Date.parse(/"time":"([^"]+)"/.exec(line)?.[1] ?? '') - Number(/"durationMs":(\d+)/.exec(line)?.[1] ?? 0);
            if (at < this.first) this.first = at;
            if (at > this.last) this.last = at;
          } else if (line.includes('"msg":"job failed')) this.failed++;
        }
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** Starts `count` workers at `concurrency` with `redisArgs`; resolves once each printed its start line. */
export async function startWorkers(count, { redisArgs, prefix, concurrency }) {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-cluster-bench-'));
  const workers = await Promise.all(
    Array.from({ length: count }, async (_, k) => {
      const logFile = join(dir, `worker-${k}.log`);
      const out = openSync(logFile, 'a');
      const child = spawn(
        process.execPath,
        [
          BIN,
          'worker',
          ...redisArgs,
          '--prefix',
          prefix,
          '--handlers',
          NOOP_HANDLERS,
          '--concurrency',
          String(concurrency),
        ],
        { stdio: ['ignore', out, 'inherit'] },
      );
      closeSync(out);
      live.add(child);
      child.once('exit', () => live.delete(child));
      const deadline = Date.now() + 30_000;
      while (!/^cadenza worker /m.test(readFileSync(logFile, 'utf8'))) {
        if (child.exitCode !== null) throw new Error(`cadenza worker exited before it started: ${logFile}`);
        if (Date.now() > deadline) throw new Error(`cadenza worker did not start within 30 s: ${logFile}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return { child, tail: new Tail(logFile), cpuFrom: 0, cpuTo: 0 };
    }),
  );
  const done = () => workers.reduce((sum, w) => (w.tail.read(), sum + w.tail.done), 0);
  return {
    hold() {
      for (const w of workers) w.child.kill('SIGSTOP');
    },
    go() {
      for (const w of workers) w.cpuFrom = cpuMsOf(w.child.pid);
      for (const w of workers) w.child.kill('SIGCONT');
    },
    /** Waits until `total` jobs succeeded; answers { first, last } handler start over all workers and their CPU ms. */
    async waitDone(total, timeoutMs = 180_000) {
      const deadline = Date.now() + timeoutMs;
      while (done() < total) {
        if (Date.now() > deadline) throw new Error(`${done()} of ${total} jobs done after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      for (const w of workers) w.cpuTo = cpuMsOf(w.child.pid);
      return {
        first: Math.min(...workers.map((w) => w.tail.first)),
        last: Math.max(...workers.map((w) => w.tail.last)),
        cpuMs: workers.reduce((sum, w) => sum + w.cpuTo - w.cpuFrom, 0),
        failed: workers.reduce((sum, w) => sum + w.tail.failed, 0),
      };
    },
    async stop() {
      const exits = workers.map((w) => (w.child.exitCode === null ? once(w.child, 'exit') : undefined));
      for (const w of workers) {
        if (w.child.exitCode === null) {
          w.child.kill('SIGCONT');
          w.child.kill('SIGTERM');
        }
      }
      await Promise.all(exits);
      if (!process.env.BENCH_KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
      else console.log(`  worker logs kept in ${dir}`);
    },
  };
}
