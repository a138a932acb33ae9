// The redis-servers this process started (its own children, by parent pid), killed if the
// script ends early — an error, Ctrl-C — before its harness's stop() ran. Never any other
// redis-server on the machine.
import { execFileSync } from 'node:child_process';

export function ownRedisPids() {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-x', 'redis-server'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when none
  }
}

export function killOwnRedisOnExit() {
  const killAll = () => {
    for (const pid of ownRedisPids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}
