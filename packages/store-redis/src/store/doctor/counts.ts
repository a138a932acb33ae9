import type { DoctorOptions } from '@cadenza/core';
import { band } from '../../band.js';
import type { RedisContext } from '../../context.js';
import { readyKey, signalChannel, tenantKeys } from '../../keys.js';
import { type Findings, repaired } from './findings.js';
import { applyFix } from './problems.js';
import { type Tally, tallyTenant } from './tenant-jobs.js';

/** Reads of the counts before a difference counts as a finding (see checkCounts). */
const READS = 3;

/**
 * The `K.n` counts of one tenant against the jobs stored. The jobs are read in chunks
 * while they move, so one read may differ from the counts by jobs caught mid-move; a
 * difference is reported only when every one of READS reads shows the same one. A count
 * that drifted stays off by the same amount; a move in flight does not.
 */
export async function checkCounts(
  ctx: RedisContext,
  tenant: string,
  first: Tally,
  options: DoctorOptions,
  findings: Findings,
): Promise<void> {
  const differences = await differ(ctx, tenant, first);
  for (let read = 1; read < READS && differences.size > 0; read++) {
    const again = await differ(ctx, tenant, await tallyTenant(ctx, tenant));
    for (const [field, delta] of differences) if (!same(again.get(field), delta)) differences.delete(field);
  }
  for (const [field, delta] of differences) {
    const [status, priority] = field.split('/');
    const finding = findings.add(
      'counts',
      `${tenant}/${priority}`,
      `${status} count is ${delta.counted}, but ${delta.expected} ${status} ${delta.expected === 1 ? 'job is' : 'jobs are'} stored`,
    );
    if (options.repair) {
      repaired(
        finding,
        await applyFix(ctx, tenant, ['count', field, delta.expected - delta.counted]),
        `set to ${delta.expected}`,
      );
    }
  }
}

interface Delta {
  counted: number;
  expected: number;
}

function same(a: Delta | undefined, b: Delta): boolean {
  return a !== undefined && a.counted === b.counted && a.expected === b.expected;
}

/** Fields of K.n whose count differs from `tally`. */
async function differ(ctx: RedisContext, tenant: string, tally: Tally): Promise<Map<string, Delta>> {
  const counts = await ctx.redis.hgetall(tenantKeys(ctx.prefix, tenant).counts);
  const out = new Map<string, Delta>();
  const fields = new Set([...tally.keys(), ...Object.keys(counts).filter(isCountField)]);
  for (const field of fields) {
    const counted = Number(counts[field] ?? 0);
    const expected = tally.get(field) ?? 0;
    if (counted !== expected) out.set(field, { counted, expected });
  }
  return out;
}

/** `<status>/<priority>` and `parked/<priority>`; not `tok`, `epoch`, `live`, `bt`, `ba`, `gseq`, `alog`. */
function isCountField(field: string): boolean {
  return /^[a-z]+\/\d$/.test(field);
}

/**
 * Every band with waiting jobs that are not parked must be in the ready index, or no
 * claimer looks there (README.md, "Band index"). A claimer takes a band out when it runs
 * dry and puts it back when its count says so, so a band found missing is read again
 * before it is reported. Repair adds it, as any enqueue would.
 */
export async function checkBands(
  ctx: RedisContext,
  tenant: string,
  options: DoctorOptions,
  findings: Findings,
): Promise<void> {
  const missing = await missingBands(ctx, tenant);
  if (missing.length === 0) return;
  const still = new Set(await missingBands(ctx, tenant));
  for (const p of missing) {
    if (!still.has(p)) continue;
    const finding = findings.add('band-index', `${tenant}/${p}`, 'has waiting jobs but is not in the ready index');
    if (options.repair) {
      await ctx.redis.zadd(readyKey(ctx.prefix), p, band(p, tenant));
      await ctx.redis.publish(signalChannel(ctx.prefix), 'ready');
      repaired(finding, true, 'added to the ready index');
    }
  }
}

async function missingBands(ctx: RedisContext, tenant: string): Promise<number[]> {
  const counts = await ctx.redis.hgetall(tenantKeys(ctx.prefix, tenant).counts);
  const bands: number[] = [];
  for (let p = 0; p <= 9; p++) {
    if (Number(counts[`waiting/${p}`] ?? 0) - Number(counts[`parked/${p}`] ?? 0) > 0) bands.push(p);
  }
  if (bands.length === 0) return [];
  const scores = await ctx.redis.zmscore(readyKey(ctx.prefix), ...bands.map((p) => band(p, tenant)));
  return bands.filter((_, i) => scores[i] === null);
}
