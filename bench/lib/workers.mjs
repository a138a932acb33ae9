// The harness side of BullMQ's worker processes: fork N real child processes running its
// Worker class (systems/bullmq-worker.mjs), start them together, follow their progress, stop
// them and collect what they measured. cadenza's side runs the real `cadenza worker` command
// instead (lib/cadenza-processes.mjs); both hand back the same shape. CPU is read from
// outside on both sides (/proc/<pid>/stat, lib/proc-cpu.mjs).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { cpuMsOf } from './proc-cpu.mjs';
import { window } from './stats.mjs';

/**
 * Forks `count` workers of `system` with `config` (see lib/worker-child.mjs); resolves once
 * all of them are connected and ready.
 */
export async function spawnWorkers(system, count, config) {
  const children = [];
  const progress = [];
  const cpu = [];
  let waiter;
  for (let k = 0; k < count; k++) {
    const child = fork(system.workerScript, [JSON.stringify(config)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // e.g. BENCH_WORKER_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the workers
      execArgv: process.env.BENCH_WORKER_FLAGS?.split(' ').filter(Boolean) ?? [],
    });
    progress.push({ done: 0, firstStartAt: 0, lastStartAt: 0 });
    child.on('message', (message) => {
      if (message.type === 'progress') {
        progress[k] = message;
        waiter?.();
      }
    });
    child.once('exit', (code) => {
      if (code !== 0 && code !== null) console.error(`${system.name} worker ${k} exited with ${code}`);
    });
    children.push(child);
  }
  await Promise.all(children.map((child) => waitFor(child, 'ready')));

  const done = () => progress.reduce((sum, p) => sum + p.done, 0);
  const readCpu = () => {
    children.forEach((child, k) => {
      cpu[k].to ??= cpuMsOf(child.pid);
    });
  };
  return {
    name: system.name,
    pids: children.map((child) => child.pid),
    done,
    /** Nothing to do: the children connect but run nothing before 'go'. */
    async hold() {},
    /** Notes each child's CPU so far and starts every worker; answers the epoch ms it did so. */
    go() {
      for (const child of children) cpu.push({ from: cpuMsOf(child.pid), to: undefined });
      const at = Date.now();
      for (const child of children) child.send({ type: 'go' });
      return at;
    },
    /** Resolves when the workers have finished `total` jobs between them, with { firstStartAt, lastStartAt }. */
    async waitDone(total, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (done() < total) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`${system.name}: ${done()} of ${total} jobs done after ${timeoutMs} ms`);
        await new Promise((resolve) => {
          waiter = resolve;
          setTimeout(resolve, Math.min(left, 200));
        });
      }
      return window(progress);
    },
    /** Reads each child's CPU now (the end of the timed phase); `stop` does it otherwise. Socket writes are counted until the stop. */
    async end() {
      readCpu();
    },
    /** Stops every worker; answers their results (done, first and last start, samples, socket writes, CPU). */
    async stop() {
      if (cpu.length > 0) readCpu();
      const results = children.map((child) => waitFor(child, 'result'));
      for (const child of children) child.send({ type: 'stop' });
      const answered = await Promise.all(results);
      await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
      return answered.map((result, k) => ({ ...result, cpuMs: cpu[k] ? cpu[k].to - cpu[k].from : Number.NaN }));
    },
  };
}

function waitFor(child, type) {
  return new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code) => reject(new Error(`worker exited with ${code} while the harness waited for '${type}'`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Merges the children's samples by group: { group: [ref, lag, …] }. */
export function mergeSamples(results) {
  const merged = {};
  for (const result of results) {
    for (const [group, values] of Object.entries(result.samples)) {
      merged[group] = (merged[group] ?? []).concat(values);
    }
  }
  return merged;
}

/** Every group's samples in one flat [ref, lag, …] list. */
export function allSamples(results) {
  return Object.values(mergeSamples(results)).flat();
}

/** The lags of flat [ref, lag, …] samples, optionally only those whose ref passes `keep`. */
export function lags(flat = [], keep = () => true) {
  const out = [];
  for (let k = 0; k < flat.length; k += 2) if (keep(flat[k])) out.push(flat[k + 1]);
  return out;
}
