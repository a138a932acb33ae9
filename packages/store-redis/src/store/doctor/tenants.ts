import type { DoctorOptions } from '@cadenza/core';
import type { RedisContext } from '../../context.js';
import { tenantKeys, tenantsKey } from '../../keys.js';
import { type Findings, repaired } from './findings.js';
import { CHUNK } from './read-chunks.js';

/** The keys that hold a tenant's jobs, schedules or parents awaiting release: what makes it live. */
const DATA = ['j', 'w', 'h', 'x'];

/** Every tenant in the registry (`P:tenants`), read in chunks. */
export async function registeredTenants(ctx: RedisContext): Promise<Set<string>> {
  const tenants = new Set<string>();
  let cursor = '0';
  do {
    const [next, members] = await ctx.redis.sscan(tenantsKey(ctx.prefix), cursor, 'COUNT', CHUNK);
    cursor = next;
    for (const member of members) tenants.add(member);
  } while (cursor !== '0');
  return tenants;
}

/**
 * A tenant with jobs or schedules must be in the registry and marked live, or the
 * coordinator's upkeep, `depths()` and listing never visit it (README.md, "Tenancy"). One
 * without any, and not registered, keeps only its counts hash (the fence epoch and the
 * token counter outlive its jobs); any other key of it is a leftover that retention missed.
 * Repair registers a tenant the way a write does (the mark, then the set); leftovers are
 * reported, not deleted.
 */
export async function checkTenancy(
  ctx: RedisContext,
  tenant: string,
  suffixes: ReadonlySet<string>,
  registered: boolean,
  options: DoctorOptions,
  findings: Findings,
): Promise<void> {
  const keys = tenantKeys(ctx.prefix, tenant);
  const hasData = DATA.some((suffix) => suffixes.has(suffix));
  if (hasData) {
    if (registered && (await ctx.redis.hget(keys.counts, 'live')) !== null) return;
    // Read again: a first write registers its tenant just after its script.
    const [member, live] = await Promise.all([
      ctx.redis.sismember(tenantsKey(ctx.prefix), tenant),
      ctx.redis.hget(keys.counts, 'live'),
    ]);
    if (member === 1 && live !== null) return;
    const finding = findings.add(
      'tenants',
      tenant,
      `has jobs or schedules but is ${member === 1 ? 'not marked live' : 'not in the tenant registry'}`,
    );
    if (options.repair) {
      await ctx.redis.hset(keys.counts, 'live', '1');
      await ctx.redis.sadd(tenantsKey(ctx.prefix), tenant);
      repaired(finding, true, 'registered the tenant');
    }
    return;
  }
  if (registered) return;
  for (const suffix of suffixes) {
    if (suffix === 'n') continue;
    findings.add(
      'orphans',
      `${keys.counts.slice(0, -1)}${suffix}`,
      `key of tenant ${tenant}, which has no jobs or schedules`,
    );
  }
}
