// Client-side round trips: every write of a socket to the Redis port, counted in this
// process. Patching net.Socket's write catches every ioredis connection the same way —
// cadenza's store and subscriber, BullMQ's queue, worker and blocking connections — with
// no knowledge of either library. A pipeline or a batch of commands flushed together is
// one write; a command sent while another waits for its reply is a write too (Redis sees
// it as a separate read either way).
import net from 'node:net';

const counters = new Set();
const EXCLUDED = Symbol('bench.excluded');
let patched = false;

function patch() {
  if (patched) return;
  patched = true;
  const write = net.Socket.prototype.write;
  net.Socket.prototype.write = function countedWrite(...args) {
    if (!this[EXCLUDED] && counters.size > 0) {
      const port = this.remotePort;
      for (const counter of counters) if (counter.port === port) counter.writes++;
    }
    return write.apply(this, args);
  };
}

/** Starts counting writes to `port`; read `.writes`, call `.stop()` when done. */
export function countWrites(port) {
  patch();
  const counter = {
    port,
    writes: 0,
    stop() {
      counters.delete(counter);
      return counter.writes;
    },
  };
  counters.add(counter);
  return counter;
}

/** Leaves a client's writes out of every count (the harness's own INFO snapshots). */
export function exclude(redis) {
  const mark = () => {
    if (redis.stream) redis.stream[EXCLUDED] = true;
  };
  mark();
  redis.on('connect', mark);
}

export function portOf(url) {
  return Number(new URL(url).port || 6379);
}
