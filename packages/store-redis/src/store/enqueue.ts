import {
  batchPrefix,
  CadenzaError,
  checkNewJob,
  type EnqueueResult,
  type Gates,
  gatesOf,
  invalidArgument,
  type JobStatus,
  type NewJob,
  resolveParentIds,
  tenantOfJobId,
} from '@cadenza/core';
import { encodeOptions, encodePayload } from '../codec.js';
import { groupBy, type RedisContext } from '../context.js';
import { globalId, localId } from '../keys.js';
import { runTenantScripts, type TenantCall } from './tenant-scripts.js';

/**
 * Adds a batch, all or nothing: one `enqueue` script per tenant (lua/enqueue.lua), the
 * tenants pipelined. A script checks its whole part before writing any of it.
 *
 * A batch of one tenant (the common case) is one round trip and atomic. A batch spanning
 * tenants is checked first (every part, in one round trip, writing nothing) and written
 * in a second round trip only when no part was refused. What remains is a race: a change
 * made between the two round trips (a job with the same id enqueued, or a parent deleted
 * by retention) makes the write of that tenant's part refuse while the other parts are
 * written. Closing it would take a cross-slot transaction that Redis Cluster has not.
 */
export async function enqueueJobs(
  ctx: RedisContext,
  jobs: readonly NewJob[],
  now: number,
  gates: Gates = gatesOf(),
): Promise<EnqueueResult[]> {
  if (!Array.isArray(jobs)) throw invalidArgument('jobs', jobs, 'an array of jobs');
  jobs.forEach((job, index) => {
    checkJob(job, batchPrefix(jobs.length, index));
    gates.check(job, batchPrefix(jobs.length, index));
  });
  if (jobs.length === 0) return [];

  const parts = [...groupBy(jobs, (job) => job.tenant)].map(([tenant, members]) => ({ tenant, members }));
  const readyHint = new Set<string>();
  const calls: TenantCall[] = parts.map(({ tenant, members }) => {
    const args: (string | number)[] = [now, 'write'];
    for (const { item: job } of members) {
      args.push(...jobArgs(tenant, job));
      // Hinted bands join the ready index in the same round trip (see runTenantScripts).
      if (job.dependsOn.length === 0 && (job.runAt === undefined || job.runAt <= now)) {
        readyHint.add(`${tenant}\n${job.priority}`);
      }
    }
    return { tenant, script: 'enqueue', args };
  });

  if (calls.length > 1) {
    const checks = calls.map((call) => ({ ...call, args: [now, 'check', ...call.args.slice(2)] }));
    refuseFirst(parts, jobs, await runTenantScripts(ctx, checks));
  }
  const answers = await runTenantScripts(ctx, calls, { register: true, readyHint });
  refuseFirst(parts, jobs, answers);

  const results: EnqueueResult[] = new Array(jobs.length);
  parts.forEach(({ tenant, members }, k) => {
    const answer = answers[k] ?? [];
    members.forEach(({ index }, j) => {
      const at = 1 + 3 * j;
      results[index] = {
        id: globalId(tenant, String(answer[at])),
        status: String(answer[at + 1]) as JobStatus,
        created: Number(answer[at + 2]) === 1,
      };
    });
  });
  return results;
}

/** Checks what needs no Redis: the job's shape, and that its id names its tenant. */
function checkJob(job: NewJob, prefix: string): void {
  checkNewJob(job, prefix);
  if (tenantOfJobId(job.id) !== job.tenant || /[\s\0]/.test(job.id)) {
    // The tenant in the id is how getJob finds a job; spaces separate ids in lists.
    throw invalidArgument(`${prefix}id`, job.id, `a job id of the form "${job.tenant}:<id>" without spaces`);
  }
  // No job has such an id, and the script could not tell it from a list of two.
  const spaced = job.dependsOn.find((id) => /[\s\0]/.test(id) && id !== job.id);
  if (spaced !== undefined) refuseParent(job, prefix, spaced);
}

/** core's wording of an unknown parent: every parent but the one at fault is taken as known. */
function refuseParent(job: NewJob, prefix: string, parent: string): never {
  resolveParentIds(job, prefix, new Map(), (id) => (id === parent ? undefined : job.tenant));
  throw invalidArgument(`${prefix}dependsOn`, parent, 'the id of an existing job');
}

/** A job as the script takes it (see lua/enqueue.lua). */
function jobArgs(tenant: string, job: NewJob): (string | number)[] {
  // The script writes dependsOn itself, resolved (a kept job stands for a repeated key).
  const options = job.dependsOn.length === 0 ? encodeOptions(job) : encodeOptions({ ...job, dependsOn: [] });
  return [
    localId(tenant, job.id),
    job.priority,
    job.runAt ?? '',
    job.name,
    encodePayload(job.payload),
    options,
    job.idempotencyKey ?? '',
    job.dependsOn.join(' '),
  ];
}

/** Throws the refusal of the earliest job of the batch that any part refused, worded by core. */
function refuseFirst(
  parts: readonly { tenant: string; members: readonly { item: NewJob; index: number }[] }[],
  jobs: readonly NewJob[],
  answers: readonly unknown[][],
): void {
  let first: { index: number; kind: string; id: string } | undefined;
  parts.forEach(({ members }, k) => {
    const answer = answers[k] ?? [];
    if (answer[0] !== '!') return;
    const index = members[Number(answer[2]) - 1]?.index ?? 0;
    if (first === undefined || index < first.index) first = { index, kind: String(answer[1]), id: String(answer[3]) };
  });
  if (first === undefined) return;
  const { index, kind, id } = first;
  const job = jobs[index] as NewJob;
  const prefix = batchPrefix(jobs.length, index);
  if (kind === 'id') {
    throw new CadenzaError('conflict', `${prefix}id: a job with id ${JSON.stringify(id)} exists already`, {
      field: `${prefix}id`,
    });
  }
  refuseParent(job, prefix, id);
}
