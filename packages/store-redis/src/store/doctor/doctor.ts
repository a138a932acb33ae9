import type { DoctorOptions, DoctorReport } from '@cadenza/core';
import type { RedisContext } from '../../context.js';
import { checkBands, checkCounts } from './counts.js';
import { Findings } from './findings.js';
import { checkGates, checkTenantHolds } from './gates.js';
import { readKeyspace } from './keyspace.js';
import { checkSchedules } from './schedules.js';
import { checkTenantJobs } from './tenant-jobs.js';
import { checkTenancy, registeredTenants } from './tenants.js';

/**
 * `cadenza doctor` on Redis: every invariant of the key layout (README.md, "Key layout"),
 * checked tenant by tenant in bounded chunks so that it can run against a cluster at work.
 * What a check finds is confirmed before it is reported: per job, by a script that sees
 * the job and its indexes at one instant; for counts, bands, schedules and holds, by
 * reading again (see each check). The order:
 *
 *   keyspace   every key under the prefix: orphans, and the tenants keys are named for
 *   per tenant registry and live mark · jobs both ways · counts · ready bands ·
 *              schedules · holds its jobs claim
 *   gates      units held against holders, and holders against their jobs
 */
export async function redisDoctor(ctx: RedisContext, options: DoctorOptions): Promise<DoctorReport> {
  const findings = new Findings();
  const registered = await registeredTenants(ctx);
  const keyspace = await readKeyspace(ctx);
  for (const key of keyspace.orphans)
    findings.add('orphans', key, 'is under the prefix, but no part of cadenza names it');
  const tenants = [...new Set([...registered, ...keyspace.tenants.keys()])].sort();
  const checked = { tenants: tenants.length, jobs: 0, schedules: 0 };
  for (const tenant of tenants) {
    const suffixes = keyspace.tenants.get(tenant) ?? new Set<string>();
    await checkTenancy(ctx, tenant, suffixes, registered.has(tenant), options, findings);
    const { tally, jobs } = await checkTenantJobs(ctx, tenant, options, findings);
    checked.jobs += jobs;
    await checkCounts(ctx, tenant, tally, options, findings);
    await checkBands(ctx, tenant, options, findings);
    checked.schedules += await checkSchedules(ctx, tenant, options, findings);
    await checkTenantHolds(ctx, tenant, findings);
  }
  await checkGates(ctx, options, findings);
  return { findings: findings.list, checked };
}
