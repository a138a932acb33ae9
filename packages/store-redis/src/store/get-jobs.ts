import { type Job, tenantOfJobId } from '@cadenza/core';
import { groupBy, type RedisContext } from '../context.js';
import { localId } from '../keys.js';
import { getJobsAnswer } from './answers.js';
import { decodeRecord } from './record.js';
import { runTenantScripts } from './tenant-scripts.js';

/**
 * Reads jobs in one round trip: one `get-jobs` script per tenant (the tenant comes from
 * the id), pipelined. An id that names no tenant cannot be a job of ours: undefined.
 */
export async function getJobs(ctx: RedisContext, ids: readonly string[]): Promise<(Job | undefined)[]> {
  const jobs: (Job | undefined)[] = new Array(ids.length).fill(undefined);
  const known = ids.filter((id) => typeof id === 'string' && tenantOfJobId(id) !== undefined);
  const parts = [...groupBy(known, (id) => tenantOfJobId(id) as string)];
  if (parts.length === 0) return jobs;
  const answers = await runTenantScripts(
    ctx,
    parts.map(([tenant, members]) => ({
      tenant,
      script: 'get-jobs',
      args: members.map(({ item }) => localId(tenant, item)),
    })),
  );
  // Indexes in `known` map back to `ids` through this list.
  const positions: number[] = [];
  ids.forEach((id, i) => {
    if (typeof id === 'string' && tenantOfJobId(id) !== undefined) positions.push(i);
  });
  parts.forEach(([tenant, members], k) => {
    const records = getJobsAnswer(answers[k], members.length);
    members.forEach(({ item, index }, j) => {
      const raw = records[j];
      if (raw !== undefined) jobs[positions[index] as number] = decodeRecord(tenant, localId(tenant, item), raw);
    });
  });
  return jobs;
}
