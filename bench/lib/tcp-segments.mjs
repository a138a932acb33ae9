// Round trips of a worker process, counted from outside it: the TCP segments carrying data
// that its sockets sent to the Redis port (`data_segs_out` of `ss -tinp`), read before and
// after a timed phase. On loopback each write of a client is one segment (ioredis sets
// TCP_NODELAY, and the writes are far below the 32 KiB MSS), so this is the count that
// lib/round-trips.mjs takes in-process by patching net.Socket, without touching the process
// (BullMQ's children still count their writes in-process too: the two agree).
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
