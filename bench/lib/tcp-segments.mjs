// A cross-check of a worker process's round trips, taken from outside it: the TCP segments
// carrying data that its sockets sent to the Redis port (`data_segs_out` of `ss -tinp`), read
// before and after a timed phase. On loopback a write is one segment (ioredis sets
// TCP_NODELAY), except that the kernel merges writes queued behind one another under load
// (tcp_autocorking), so this is a floor of the socket writes lib/round-trips.mjs counts:
// equal for both systems at concurrency 1 and 10, below it for BullMQ at 100.
import { execFileSync } from 'node:child_process';

/** { pid: data segments sent so far to `port`, over all its sockets } for the given pids. */
export function segmentsOut(pids, port) {
  const text = execFileSync('ss', ['-tinpH', `dport = :${port}`], { encoding: 'utf8' });
  const wanted = new Set(pids);
  const sums = Object.fromEntries(pids.map((pid) => [pid, 0]));
  // One socket is a line naming its process(es), then an indented line of TCP info.
  let owners = [];
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) {
      owners = [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])).filter((pid) => wanted.has(pid));
    } else {
      const segments = Number(/data_segs_out:(\d+)/.exec(line)?.[1] ?? 0);
      for (const pid of owners) sums[pid] += segments;
      owners = [];
    }
  }
  return sums;
}
