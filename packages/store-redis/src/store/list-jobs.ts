import {
  checkCount,
  decodeCursor,
  encodeCursor,
  invalidArgument,
  JOB_STATUSES,
  type Job,
  type JobPage,
  type JobQuery,
} from '@cadenza/core';
import type { RedisContext } from '../context.js';
import { tenantsKey } from '../keys.js';
import { decodeRecord } from './record.js';
import { runTenantScripts } from './tenant-scripts.js';

/**
 * Newest first (createdAt, then id, both descending), as core's memory store. The cursor
 * is the last job's (createdAt, id); a page starts strictly after it, so paging sees each
 * job once while jobs are added.
 *
 * For now this reads every job of the tenants in scope (one tenant, or every tenant of
 * `P:tenants`) in one round trip of per-tenant `list-jobs` scripts, narrowed in the
 * script by status (waiting → the streams only, others → K.j only) and name, then sorts
 * and pages here. That is fine for an operator's listing of modest stores, not for
 * millions of jobs: a per-tenant index by (createdAt, id) would let each page read only
 * `limit` jobs per tenant.
 */
export async function listJobs(ctx: RedisContext, query: JobQuery): Promise<JobPage> {
  const limit = checkCount('limit', query.limit, 1);
  if (query.status !== undefined && !JOB_STATUSES.includes(query.status)) {
    throw invalidArgument('status', query.status, `one of ${JOB_STATUSES.join(', ')}`);
  }
  let after: { createdAt: number; id: string } | undefined;
  if (query.cursor !== undefined) {
    const [createdAt, id] = decodeCursor(query.cursor, 'ns');
    after = { createdAt: Number(createdAt), id: String(id) };
  }

  const tenants = query.tenant !== undefined ? [query.tenant] : await ctx.redis.smembers(tenantsKey(ctx.prefix));
  const answers = await runTenantScripts(
    ctx,
    tenants.map((tenant) => ({ tenant, script: 'list-jobs', args: [query.status ?? '', query.name ?? ''] })),
  );
  const jobs: Job[] = [];
  tenants.forEach((tenant, k) => {
    const answer = answers[k] ?? [];
    for (let i = 0; i + 1 < answer.length; i += 2) {
      const job = decodeRecord(tenant, String(answer[i]), String(answer[i + 1]));
      if (query.tag !== undefined && !job.tags.includes(query.tag)) continue;
      if (after !== undefined && newestFirst(job, after) <= 0) continue;
      jobs.push(job);
    }
  });
  jobs.sort(newestFirst);
  const page = jobs.slice(0, limit);
  const last = page[page.length - 1];
  return {
    jobs: page,
    nextCursor: jobs.length > limit && last !== undefined ? encodeCursor([last.createdAt, last.id]) : undefined,
  };
}

function newestFirst(a: Pick<Job, 'createdAt' | 'id'>, b: Pick<Job, 'createdAt' | 'id'>): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
