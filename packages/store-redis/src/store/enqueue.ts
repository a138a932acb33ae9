import {
  CadenzaError,
  type EnqueueResult,
  invalidArgument,
  type JobStatus,
  type NewJob,
  tenantOfJobId,
} from '@cadenza/core';
import { batchPrefix, checkNewJob, type Gates, gatesOf, resolveParentIds } from '@cadenza/core/store-kit';
import { type Band, band } from '../band.js';
import { encodeOptions, encodePayload } from '../codec.js';
import { groupBy, type RedisContext } from '../context.js';
import { globalId, localId } from '../keys.js';
import { runTenantScripts, type TenantCall } from './tenant-scripts.js';

/**
 * Adds a batch, all or nothing: one `enqueue` script call (lua/enqueue.lua) over every
 * tenant of the batch, one round trip. The script checks every tenant's part before it
 * writes any, and Redis runs a script whole, so a refusal writes nothing and no other
 * call sees half a batch.
 *
 * A Redis Cluster runs a script on one slot only, and tenants live in slots of their own:
 * there a batch spanning tenants is first checked whole (every tenant's part, writing
 * nothing), then written one call per tenant (splitByTenant). A refusal of the input thus
 * still writes nothing; only another call racing it between the check and the write (the
 * same new id enqueued meanwhile) can leave the other tenants' parts written.
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
  const readyHint = new Set<Band>();
  const args: (string | number)[] = [now, parts.length, ...parts.map((part) => part.members.length)];
  for (const { tenant, members } of parts) {
    for (const { item: job } of members) {
      args.push(...jobArgs(tenant, job));
      // Hinted bands join the ready index in the same round trip (see runTenantScripts).
      if (job.dependsOn.length === 0 && (job.runAt === undefined || job.runAt <= now)) {
        readyHint.add(band(job.priority, tenant));
      }
    }
  }
  const tenants = parts.map((part) => part.tenant);
  const answer =
    ctx.cluster && parts.length > 1
      ? await splitByTenant(ctx, parts, args, readyHint)
      : ((
          await runTenantScripts(ctx, [{ tenant: tenants[0] ?? '', tenants, script: 'enqueue', args }], {
            register: true,
            readyHint,
            durable: true,
          })
        )[0] ?? []);
  refuse(parts, jobs, answer);

  // The answer has three values per job, tenant after tenant.
  const results: EnqueueResult[] = new Array(jobs.length);
  let at = 1;
  for (const { tenant, members } of parts) {
    for (const { index } of members) {
      results[index] = {
        id: globalId(tenant, String(answer[at])),
        status: String(answer[at + 1]) as JobStatus,
        created: Number(answer[at + 2]) === 1,
      };
      at += 3;
    }
  }
  return results;
}

/**
 * The batch's `args` as one call per tenant: checked first, all at once (`-T` checks
 * only), then written, all at once, each call on its tenant's primary. Answers as the
 * single call would: the refusals of every tenant (their places in the whole batch), or
 * 'ok' and every job's three values, tenant after tenant.
 */
async function splitByTenant(
  ctx: RedisContext,
  parts: readonly { tenant: string; members: readonly unknown[] }[],
  args: readonly (string | number)[],
  readyHint: ReadonlySet<Band>,
): Promise<unknown[]> {
  const [now] = args;
  let at = 2 + parts.length;
  const calls = parts.map(({ tenant, members }) => {
    const jobArgs = args.slice(at, at + JOB_FIELDS * members.length);
    at += JOB_FIELDS * members.length;
    return (count: number): TenantCall => ({
      tenant,
      script: 'enqueue',
      args: [now ?? 0, count, members.length, ...jobArgs],
    });
  });
  const checks = await runTenantScripts(
    ctx,
    calls.map((call) => call(-1)),
  );
  const refused = faultsOf(checks);
  if (refused.length > 1) return refused;
  const written = await runTenantScripts(
    ctx,
    calls.map((call) => call(1)),
    { register: true, readyHint, durable: true },
  );
  // Only a call racing this one between the check and the write is refused here.
  const raced = faultsOf(written);
  if (raced.length > 1) return raced;
  return ['ok', ...written.flatMap((answer) => answer.slice(1))];
}

/** '!' and the faults of per-tenant answers, each at its tenant's place in the batch. */
function faultsOf(answers: readonly unknown[][]): unknown[] {
  const faults: unknown[] = ['!'];
  answers.forEach((answer, t) => {
    if (answer[0] !== '!') return;
    // Four values per fault, the first the tenant's place in its own call (always 1).
    for (let i = 1; i + 3 < answer.length; i += 4) faults.push(t + 1, answer[i + 1], answer[i + 2], answer[i + 3]);
  });
  return faults;
}

/** Values per job in the script's arguments (jobArgs). */
const JOB_FIELDS = 9;

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
    fireOf(job),
  ];
}

/**
 * The schedule fire a job carries, '<scheduledFor> <scheduleId>' ('' for none): like an
 * idempotency key, it makes one job while that job is kept (core's unique keys). The
 * script keys it as record-fires.lua does, scheduledFor in the text ioredis sends a number in.
 */
function fireOf(job: NewJob): string {
  if (job.scheduleId === undefined || job.scheduledFor === undefined) return '';
  return `${String(job.scheduledFor)} ${job.scheduleId}`;
}

/**
 * Throws the refusal of the earliest faulty job of the batch, worded by core. The script
 * answers `'!'` then four values per tenant with a fault (its first): tenant's place,
 * kind, job's place in that tenant's part, id at fault.
 */
function refuse(
  parts: readonly { tenant: string; members: readonly { item: NewJob; index: number }[] }[],
  jobs: readonly NewJob[],
  answer: readonly unknown[],
): void {
  if (answer[0] !== '!') return;
  let first: { index: number; kind: string; id: string } | undefined;
  for (let at = 1; at + 3 < answer.length; at += 4) {
    const members = parts[Number(answer[at]) - 1]?.members ?? [];
    const index = members[Number(answer[at + 2]) - 1]?.index ?? 0;
    if (first === undefined || index < first.index) {
      first = { index, kind: String(answer[at + 1]), id: String(answer[at + 3]) };
    }
  }
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
