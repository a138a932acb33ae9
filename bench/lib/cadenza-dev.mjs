// A `cadenza` process (the built binary: `dev`, `server`, `coordinator`) as a child of a benchmark.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'packages', 'cli', 'dist', 'bin.js');

/**
 * Starts `cadenza dev --port 0 …args` and resolves once its start line names the URL.
 * CADENZA_BENCH_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") go to its node.
 */
export function startDev(args) {
  return startCadenza('dev', ['--port', '0', ...args]);
}

/**
 * Starts `cadenza <command> …args` and resolves once its start line has come: with the
 * URL it listens on, if it names one (`--port 0` picks a free port).
 */
export async function startCadenza(command, args) {
  const child = spawn(
    process.execPath,
    [...(process.env.CADENZA_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), BIN, command, ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const start = buffered.match(/cadenza \S+ (listening on (http:\/\/\S+)|.*\(store )/);
      if (start) resolve(start[2]);
    });
    child.once('exit', (code) => reject(new Error(`cadenza ${command} exited with ${code} before it started`)));
  });
  return {
    child,
    url,
    /** SIGTERM, and the exit. */
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}
