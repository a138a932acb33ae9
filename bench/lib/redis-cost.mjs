// What Redis spent, from INFO: CPU (used_cpu_user + used_cpu_sys of the server), commands
// (every cmdstat_* calls count; commands run inside a function are counted there too, as
// well as the FCALL itself), read events (total_reads_processed: each time Redis read what a
// client had sent, so a request or a pipeline sent at once is one) and used_memory. A
// phase's cost is the delta of two snapshots.

// Commands of the harness itself (its INFO snapshots, FLUSHALL between scenarios) and
// connection setup, which are no part of what a system spends per job.
const IGNORED = new Set(['info', 'flushall', 'config|get', 'config|set', 'config|resetstat', 'slowlog|get']);

export async function snapshot(admin) {
  const text = await admin.info('all');
  const number = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  let commands = 0;
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (!IGNORED.has(match[1])) commands += Number(match[2]);
  }
  return {
    cpuSeconds: number('used_cpu_user') + number('used_cpu_sys'),
    commands,
    reads: number('total_reads_processed'),
    memory: number('used_memory'),
  };
}

/**
 * Cost per job between two snapshots: Redis CPU in µs, commands, read events (less the one
 * of the second snapshot's own INFO), memory in bytes.
 */
export function perJob(before, after, jobs) {
  return {
    cpuUs: ((after.cpuSeconds - before.cpuSeconds) * 1e6) / jobs,
    commands: (after.commands - before.commands) / jobs,
    reads: (after.reads - before.reads - 1) / jobs,
    memoryBytes: (after.memory - before.memory) / jobs,
  };
}
