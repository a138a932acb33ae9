// The child side of a worker process (bench/systems/*-worker.mjs): the protocol with the
// harness and the one handler both systems run, so that cadenza and BullMQ do exactly the
// same work per job and are timed the same way.
//
//   harness                     child
//   fork(config) ─────────────► connects, builds its worker (not started)
//                ◄───────────── { type: 'ready' }
//   { type: 'go' } ───────────► starts the worker; while it runs, every 20 ms:
//                ◄───────────── { type: 'progress', done, firstStartAt, lastStartAt }
//   { type: 'stop' } ─────────► stops the worker (in-flight jobs finish)
//                ◄───────────── { type: 'result', done, firstStartAt, lastStartAt, samples, writes }
//
// The harness reads the child's CPU from outside (/proc/<pid>/stat), as it does for
// `cadenza worker`; `writes` are its socket writes to Redis from the go until the stop, its
// round trips (lib/round-trips.mjs), counted as lib/count-writes.mjs counts cadenza's.
import { setTimeout as sleep } from 'node:timers/promises';
import { countWrites, portOf } from './round-trips.mjs';

/**
 * `build(config, handle)` returns { start(), stop() }; the system's processor calls
 * `handle(ref, group)` once per job, where `ref` is the epoch ms the job's lateness is
 * measured from (its enqueue time, due time or fire time) and `group` its tenant.
 */
export async function serveWorker(build) {
  const config = JSON.parse(process.argv[2]);
  const state = { done: 0, firstStartAt: 0, lastStartAt: 0 };
  // samples[group] = flat [ref, lag, ref, lag, …]: compact, and cron needs the refs to count fires.
  const samples = {};
  const handle = async (ref, group = 'all') => {
    const startedAt = Date.now();
    if (state.firstStartAt === 0) state.firstStartAt = startedAt;
    state.lastStartAt = startedAt;
    if (config.record && ref !== undefined) {
      samples[group] ??= [];
      samples[group].push(ref, startedAt - ref);
    }
    if (config.sleepMs > 0) await sleep(config.sleepMs);
    state.done++;
  };
  const worker = await build(config, handle);
  let writes;
  let timer;
  let reported = -1;
  const report = () => {
    if (state.done === reported) return;
    reported = state.done;
    process.send({ type: 'progress', ...state });
  };
  process.on('message', async (message) => {
    if (message.type === 'go') {
      writes = countWrites(portOf(config.url));
      timer = setInterval(report, 20);
      await worker.start();
    } else if (message.type === 'stop') {
      await worker.stop();
      clearInterval(timer);
      report();
      process.send({ type: 'result', ...state, samples, writes: writes?.stop() ?? 0 }, () => process.exit(0));
    }
  });
  process.send({ type: 'ready' });
}
