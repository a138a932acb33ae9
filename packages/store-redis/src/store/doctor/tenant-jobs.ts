import type { DoctorOptions } from '@cadenza/core';
import type { RedisContext } from '../../context.js';
import { globalId, type TenantKeys, tenantKeys } from '../../keys.js';
import { type Findings, repaired } from './findings.js';
import { applyFix, askScript, type Problem } from './problems.js';
import { hashChunks, sortedChunks, streamChunks } from './read-chunks.js';

/** Counts by `K.n` field (`<status>/<priority>`, `parked/<priority>`), as tallied from the jobs. */
export type Tally = Map<string, number>;

/**
 * Checks every job of one tenant both ways: each job against the indexes its status calls
 * for (doctor-jobs.lua), and each index member against its job (doctor-members.lua), a
 * chunk per call; answers the tally of what it read, for the counts check.
 */
export async function checkTenantJobs(
  ctx: RedisContext,
  tenant: string,
  options: DoctorOptions,
  findings: Findings,
): Promise<{ tally: Tally; jobs: number }> {
  const keys = tenantKeys(ctx.prefix, tenant);
  const tally: Tally = new Map();
  let jobs = 0;
  const report = (problems: Problem[], subjectOf: (member: string) => string, index?: string) =>
    reportProblems(ctx, tenant, options, findings, problems, subjectOf, index);
  const jobSubject = (local: string) => globalId(tenant, local);
  // Every job is a field of the waiting index or of the records: both are read whole, in chunks.
  const tallies: [string, (value: string) => void][] = [
    [keys.where, (where) => bump(tally, `waiting/${where.slice(0, where.indexOf('/'))}`)],
    [keys.jobs, (record) => tallyRecord(tally, record)],
  ];
  for (const [key, count] of tallies) {
    for await (const pairs of hashChunks(ctx, key)) {
      for (const [, value] of pairs) count(value);
      jobs += pairs.length;
      const ids = pairs.map(([id]) => id);
      await report(await askScript(ctx, tenant, 'doctor-jobs', ids), jobSubject);
    }
  }
  for (const [index, key] of sortedIndexes(keys)) {
    const subject = index === 'c' ? childSubject(tenant) : index === 'i' ? listingSubject(tenant) : jobSubject;
    for await (const pairs of sortedChunks(ctx, key)) {
      const members = pairs.map(([member]) => member);
      await report(await askScript(ctx, tenant, 'doctor-members', [index, ...members]), subject, index);
    }
  }
  for (const [index, key] of [
    ['gn', keys.gated],
    ['k', keys.idempotency],
    ['pa', keys.pastAttempts],
  ] as const) {
    const subject = index === 'k' ? (key: string) => `${tenant} idempotency key ${key}` : jobSubject;
    for await (const pairs of hashChunks(ctx, key)) {
      const fields = pairs.map(([field]) => field);
      await report(await askScript(ctx, tenant, 'doctor-members', [index, ...fields]), subject, index);
    }
  }
  for (let p = 0; p < keys.streams.length; p++) {
    const index = `s:${p}`;
    for await (const ids of streamChunks(ctx, keys.streams[p] as string)) {
      await report(
        await askScript(ctx, tenant, 'doctor-members', [index, ...ids]),
        (entry) => `${tenant} band ${p} entry ${entry}`,
        index,
      );
    }
  }
  return { tally, jobs };
}

/** Counts of the jobs of one tenant as its records and waiting index hold them now. */
export async function tallyTenant(ctx: RedisContext, tenant: string): Promise<Tally> {
  const keys = tenantKeys(ctx.prefix, tenant);
  const tally: Tally = new Map();
  for await (const pairs of hashChunks(ctx, keys.where)) {
    for (const [, where] of pairs) bump(tally, `waiting/${where.slice(0, where.indexOf('/'))}`);
  }
  for await (const pairs of hashChunks(ctx, keys.jobs)) for (const [, record] of pairs) tallyRecord(tally, record);
  return tally;
}

/** A record's status and priority are its first two NUL-separated fields (lua/includes/record.lua). */
function tallyRecord(tally: Tally, record: string): void {
  const first = record.indexOf('\0');
  const status = record.slice(0, first);
  const priority = record.slice(first + 1, record.indexOf('\0', first + 1));
  bump(tally, `${status}/${priority}`);
  // A waiting job with a record is parked for a gate, and counted as parked too.
  if (status === 'waiting') bump(tally, `parked/${priority}`);
}

function bump(tally: Tally, field: string): void {
  tally.set(field, (tally.get(field) ?? 0) + 1);
}

function sortedIndexes(keys: TenantKeys): [string, string][] {
  return [
    ['l', keys.leases],
    ['d', keys.delayed],
    ['f', keys.finished],
    ['g', keys.parked],
    ['c', keys.children],
    ['i', keys.index],
  ];
}

/** `<parent>\0<child>` as a reader can see it. */
function childSubject(tenant: string): (member: string) => string {
  return (member) => {
    // The mark is NUL (still registered) or \u0001 (looked at); ids never hold either.
    const nul = member.indexOf('\0');
    const mark = nul >= 0 ? nul : member.indexOf('\u0001');
    const [parent, child] = [member.slice(0, mark), member.slice(mark + 1)];
    return `${globalId(tenant, child)} (child of ${globalId(tenant, parent)})`;
  };
}

/** A listing member is a status code, 11 bytes of log place, then the local id. */
function listingSubject(tenant: string): (member: string) => string {
  return (member) => `${globalId(tenant, member.slice(12))} (listing index)`;
}

/** Adds each problem as a finding and, with repair, applies its fix. */
async function reportProblems(
  ctx: RedisContext,
  tenant: string,
  options: DoctorOptions,
  findings: Findings,
  problems: Problem[],
  subjectOf: (member: string) => string,
  index?: string,
): Promise<void> {
  for (const problem of problems) {
    const finding = findings.add(problem.check, subjectOf(problem.member), problem.message);
    if (!options.repair || problem.fix === '') continue;
    const args = fixArgs(problem, index);
    repaired(finding, await applyFix(ctx, tenant, args), FIX_WORDS[problem.fix] ?? problem.fix);
  }
}

function fixArgs(problem: Problem, index: string | undefined): string[] {
  switch (problem.fix) {
    case 'register':
      return ['register', problem.arg, problem.member];
    case 'where':
      return ['where', (index ?? 's:0').slice(2), problem.member];
    default:
      return [problem.fix, problem.member];
  }
}

const FIX_WORDS: Record<string, string> = {
  reindex: 'filed the job again in the indexes its record calls for',
  unlist: 'dropped the listing entry and filed the job again',
  where: 'pointed the waiting index at the entry again',
  key: 'dropped the idempotency key',
  past: 'deleted the past attempts',
  child: 'dropped the children entry',
  register: 'registered the job as its parent’s child again (and queued an ended parent for release)',
};
