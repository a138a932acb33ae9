// `cadenza worker` processes on any Redis topology, for bench/cluster.mjs: the real command
// (packages/cli/dist/bin.js worker) with the Redis flags given (`--redis URL` or
// `--redis-cluster URL,URL…`), the no-op handlers, its defaults otherwise; stdout to a log
// file, started and read with lib/cadenza-processes.mjs's startCommand and LogTail (whose
// own workers take one `--redis` URL, with a round-trip counter that counts one port).
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogTail, NOOP_HANDLERS, startCommand } from './cadenza-processes.mjs';
import { cpuMsOf } from './proc-cpu.mjs';

/** Starts `count` workers at `concurrency` with `redisArgs`; resolves once each printed its start line. */
export async function startWorkers(count, { redisArgs, prefix, concurrency }) {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-cluster-bench-'));
  const workers = await Promise.all(
    Array.from({ length: count }, async (_, k) => {
      const logFile = join(dir, `worker-${k}.log`);
      const child = await startCommand(
        'worker',
        [...redisArgs, '--prefix', prefix, '--handlers', NOOP_HANDLERS, '--concurrency', String(concurrency)],
        { logFile },
      );
      return { child, tail: new LogTail(logFile), cpuFrom: 0, cpuTo: 0 };
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
        first: Math.min(...workers.map((w) => w.tail.firstStartAt)),
        last: Math.max(...workers.map((w) => w.tail.lastStartAt)),
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
