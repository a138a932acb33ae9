// `cadenza dev` (the built binary) as a child process of a benchmark.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'packages', 'cli', 'dist', 'bin.js');

/**
 * Starts `cadenza dev --port 0 …args` and resolves once its start line names the URL.
 * CADENZA_BENCH_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") go to its node.
 */
export async function startDev(args) {
  const child = spawn(
    process.execPath,
    [...(process.env.CADENZA_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), BIN, 'dev', '--port', '0', ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const match = buffered.match(/listening on (http:\/\/\S+)/);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`cadenza dev exited with ${code} before listening`)));
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
