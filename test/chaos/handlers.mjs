// Handlers of the chaos runs. Every attempt appends one JSON line when it starts and one
// when it ends (ok, error or aborted) to the file CHAOS_ATTEMPTS names, each in one
// appendFileSync (O_APPEND), so lines of all workers never interleave. The checker reads
// which attempts ran where and when from them. Times are this machine's wall clock (the
// workers' clocks are never shifted).
//   work   takes payload.ms; fails its first payload.failFirst attempts (retries)
//   tick   the per-second schedule's job: returns at once
import { appendFileSync } from 'node:fs';
import { realClock } from '@cadenza/core';

const LOG = process.env.CHAOS_ATTEMPTS;
const WORKER = process.env.CADENZA_ID;
if (!LOG || !WORKER) throw new Error('chaos handlers need CHAOS_ATTEMPTS and CADENZA_ID in the environment');

function note(e, job, outcome) {
  const line = {
    e,
    id: job.id,
    attempt: job.attempt,
    worker: WORKER,
    pid: process.pid,
    tenant: job.tenant,
    name: job.name,
    t: realClock.now(),
    ...(job.resources === undefined ? {} : { resources: job.resources }),
    ...(outcome === undefined ? {} : { outcome }),
  };
  appendFileSync(LOG, `${JSON.stringify(line)}\n`);
}

async function run(job, ctx) {
  note('start', job);
  const payload = job.payload ?? {};
  try {
    if (payload.ms > 0) await realClock.sleep(payload.ms, ctx.signal);
  } catch (error) {
    note('end', job, 'aborted');
    throw error;
  }
  if (job.attempt <= (payload.failFirst ?? 0)) {
    note('end', job, 'error');
    throw new Error(`attempt ${job.attempt} fails on purpose`);
  }
  note('end', job, 'ok');
  return { worker: WORKER };
}

export default { work: run, tick: run };
