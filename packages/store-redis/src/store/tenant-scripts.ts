import { CadenzaError } from '@cadenza/core';
import type { ChainableCommander } from 'ioredis';
import type { Band } from '../band.js';
import type { RedisContext } from '../context.js';
import { signalChannel, tenantsKey } from '../keys.js';
import { addToReadyIndexes, applyNotes, splitReplies } from './script-notes.js';
import { runPipeline } from './store-errors.js';

/** One function call on one tenant's keys (every tenant function takes `ctx.declaredOf(tenant)`, the counts hash first). */
export interface TenantCall {
  tenant: string;
  script: string;
  args: readonly (string | number)[];
  /**
   * A call over several tenants (a `-- @keys *` script such as enqueue): every one's keys,
   * in this order (`tenant` is the first). Its ready bands come back per tenant.
   */
  tenants?: readonly string[];
}

/** The tenants a call touches. */
function tenantsOf(call: TenantCall): readonly string[] {
  return call.tenants ?? [call.tenant];
}

export interface RunOptions {
  /** Also record these calls' tenants in the cross-tenant tenant set (enqueue, upsertSchedule). */
  register?: boolean;
  /** Bands that will likely get waiting jobs: indexed in the same round trip. */
  readyHint?: ReadonlySet<Band>;
  /** The epoch of a fenced call, for the error when a script refuses it. */
  epoch?: number;
  /**
   * A write the caller must not see acknowledged before `ctx.durable.replicas` replicas
   * hold it (enqueue, schedule fires): a WAIT follows the calls in the same round trip.
   */
  durable?: boolean;
}

/**
 * Runs tenant scripts, pipelined in one round trip, and returns each one's answer.
 *
 * Every tenant script replies `{ ready bands, due, freed holds, tenants marked live, answer… }`
 * (lua/includes/keys.lua): notes of what must change outside the tenant's slot, which
 * script-notes.ts applies after the scripts, and the script's own answer (answers.ts
 * decodes each script's).
 *
 * Scripts refuse with `<code> <message>` error replies (`conflict`, `invalid_argument`,
 * `not_found`, `stale_epoch`); those become CadenzaErrors, and a lost connection
 * becomes `unavailable` (store-errors.ts).
 */
export async function runTenantScripts(
  ctx: RedisContext,
  calls: readonly TenantCall[],
  options: RunOptions = {},
): Promise<unknown[][]> {
  if (calls.length === 0) return [];
  return (await runAfterReads(ctx, NO_READS, calls, options)).answers;
}

/** Plain reads sent ahead of the scripts in the same round trip (see runAfterReads). */
export interface Reads {
  add(pipeline: ChainableCommander): void;
  count: number;
}

const NO_READS: Reads = { add: () => undefined, count: 0 };

/**
 * runTenantScripts, with `reads` sent first in the same round trip; answers both. Three
 * steps: the round trip (queueCalls), each reply split into its notes and its answer
 * (script-notes.ts), and the notes applied outside the tenants' slots (applyNotes).
 */
export async function runAfterReads(
  ctx: RedisContext,
  reads: Reads,
  calls: readonly TenantCall[],
  options: RunOptions = {},
): Promise<{ reads: unknown[]; answers: unknown[][] }> {
  const pipeline = ctx.pipeline();
  reads.add(pipeline);
  const hinted = options.readyHint ?? new Set<Band>();
  const waitAt = queueCalls(ctx, pipeline, calls, hinted, options);
  const all = await runPipeline(pipeline, options.epoch);
  if (waitAt !== undefined) checkWait(ctx, all[waitAt]);
  if (options.register === true)
    for (const call of calls) for (const tenant of tenantsOf(call)) ctx.registered.add(tenant);
  const replies = all.slice(reads.count, reads.count + calls.length) as unknown[][];
  const { notes, answers } = splitReplies(
    replies,
    calls.map((call) => tenantsOf(call)),
  );
  await applyNotes(ctx, notes, hinted);
  return { reads: all.slice(0, reads.count), answers };
}

/**
 * Queues the calls, and around them what goes in their round trip: the tenant set for
 * tenants new to this process (`register`), the hinted bands with their 'ready' signal,
 * and WAIT for a durable write (answers its place in the pipeline).
 */
function queueCalls(
  ctx: RedisContext,
  pipeline: ChainableCommander,
  calls: readonly TenantCall[],
  hinted: ReadonlySet<Band>,
  options: RunOptions,
): number | undefined {
  for (const call of calls) {
    const keys =
      call.tenants === undefined ? ctx.declaredOf(call.tenant) : call.tenants.flatMap((t) => ctx.declaredOf(t));
    ctx.scripts.call(pipeline, call.script, keys, call.args);
  }
  if (options.register === true) {
    const unknown = [...new Set(calls.flatMap(tenantsOf))].filter((tenant) => !ctx.registered.has(tenant));
    if (unknown.length > 0) pipeline.sadd(tenantsKey(ctx.prefix), ...unknown);
  }
  addToReadyIndexes(ctx, pipeline, hinted);
  // Hinted bands will have waiting jobs: tell the workers in this same round trip.
  if (hinted.size > 0) pipeline.publish(signalChannel(ctx.prefix), 'ready');
  return options.durable === true ? addWait(ctx, pipeline) : undefined;
}

/** Queues `WAIT replicas timeout` when durable writes are asked for; answers its place. */
function addWait(ctx: RedisContext, pipeline: ChainableCommander): number | undefined {
  if (ctx.durable.replicas === 0) return undefined;
  pipeline.wait(ctx.durable.replicas, ctx.durable.timeoutMs);
  return pipeline.length - 1;
}

/**
 * WAIT answers how many replicas have the connection's writes. Fewer than asked: the write
 * is on the primary only, and a failover now would lose it, so it is not acknowledged.
 */
function checkWait(ctx: RedisContext, replicas: unknown): void {
  const got = Number(replicas);
  if (got >= ctx.durable.replicas) return;
  throw new CadenzaError(
    'unavailable',
    `durable write: ${got} of ${ctx.durable.replicas} replicas confirmed it within ${ctx.durable.timeoutMs} ms; it is on the primary but not acknowledged (retry with the same idempotency key)`,
  );
}
