import { checkDuration, type NodeReport, type NodeReportInput } from '@cadenza/core';
import { checkInstant, checkText } from '@cadenza/core/store-kit';
import type { RedisContext } from '../context.js';
import { nodesKey } from '../keys.js';

/*
 * The registry of live processes: one hash at `P:nodes`, process id → its latest report as
 * JSON. Each process overwrites its own field every few seconds (one HSET); readers keep
 * the fields heard from within three of that process's own report intervals, so a crashed
 * process drops out of the list within three intervals without anyone deleting it. A hash
 * rather than a key per process with a TTL: one HGETALL lists the cluster, and the hash has
 * no tenant, so it is a plain cross-tenant key like the leader hash.
 */

/** Reports missed before a process counts as gone. */
export const MISSED_REPORTS = 3;
/** A report this old is deleted by the next reader (a process that crashed long ago). */
export const FORGET_AFTER_MS = 10 * 60_000;

export async function reportNode(ctx: RedisContext, node: NodeReportInput, now: number): Promise<void> {
  checkText('id', node.id);
  checkInstant('now', now);
  checkInstant('startedAt', node.startedAt);
  checkDuration('reportEveryMs', node.reportEveryMs);
  const report: NodeReport = { ...node, lastSeenAt: now };
  await ctx.redis.hset(nodesKey(ctx.prefix), node.id, JSON.stringify(report));
}

export async function listNodes(ctx: RedisContext, now: number): Promise<NodeReport[]> {
  checkInstant('now', now);
  const key = nodesKey(ctx.prefix);
  const fields = await ctx.redis.hgetall(key);
  const live: NodeReport[] = [];
  const forgotten: string[] = [];
  for (const [id, json] of Object.entries(fields)) {
    const report = parse(json);
    if (report === undefined || now - report.lastSeenAt > FORGET_AFTER_MS) forgotten.push(id);
    else if (now - report.lastSeenAt <= MISSED_REPORTS * report.reportEveryMs) live.push(report);
  }
  // Rare (a process crashed ten minutes ago), so a plain HDEL on the read path is cheap. A
  // process that came back in between rewrites its field, which the next report restores.
  if (forgotten.length > 0) await ctx.redis.hdel(key, ...forgotten);
  return live.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function forgetNode(ctx: RedisContext, id: string): Promise<void> {
  checkText('id', id);
  await ctx.redis.hdel(nodesKey(ctx.prefix), id);
}

/** A stored report, or undefined for one this version cannot read (dropped, like a stale one). */
function parse(json: string): NodeReport | undefined {
  try {
    const report = JSON.parse(json) as NodeReport;
    if (typeof report.lastSeenAt !== 'number' || typeof report.reportEveryMs !== 'number') return undefined;
    return report;
  } catch {
    return undefined;
  }
}
