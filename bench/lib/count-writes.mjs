// Preloaded into each `cadenza worker` (node --import) so that its round trips are counted
// the way BullMQ's children and the harness count theirs (lib/round-trips.mjs: every write
// of a socket to the Redis port, a pipeline flushed at once being one). On SIGUSR2 it writes
// the count so far to BENCH_WRITES_FILE; the harness asks before and after a timed phase.
// Its cost is a comparison per socket write. Not loaded when BENCH_WRITES_FILE is unset.
import { writeFileSync } from 'node:fs';
import { countWrites } from './round-trips.mjs';

const file = process.env.BENCH_WRITES_FILE;
const port = Number(process.env.BENCH_REDIS_PORT);
if (file && port) {
  const counter = countWrites(port);
  let asked = 0;
  process.on('SIGUSR2', () => {
    asked++;
    writeFileSync(file, `${asked} ${counter.writes}\n`);
  });
}
