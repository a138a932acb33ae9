import { CadenzaError, type ErrorCode, StaleEpochError } from '@cadenza/core';
import type { ChainableCommander } from 'ioredis';
import { type Band, band, bandPriority } from '../band.js';
import { execAll, type RedisContext } from '../context.js';
import { readyKey, signalChannel, tenantsKey } from '../keys.js';
import { releaseHolds } from './gates/release.js';

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
 * (lua/includes/keys.lua): the bands that got waiting jobs, which must be added to the
 * cross-tenant ready index (a script touches one slot, so it cannot do that itself),
 * whether a due time may have moved earlier, the gate holds of jobs that stopped being
 * active, given back in the gates' slot (gates/release.ts), and the tenants that got
 * their first job or schedule since they (re)joined, added to the tenant set. Those notes are applied here,
 * after the scripts (see README.md,
 * "band index": a claimer re-checks counts after removing a tenant, so an index entry
 * added after the script is never missed), and published as store signals.
 *
 * Scripts refuse with `<code> <message>` error replies (`conflict`, `invalid_argument`,
 * `not_found`, `stale_epoch`); those become CadenzaErrors, and a lost connection
 * becomes `unavailable`.
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

/** runTenantScripts, with `reads` sent first in the same round trip; answers both. */
export async function runAfterReads(
  ctx: RedisContext,
  reads: Reads,
  calls: readonly TenantCall[],
  options: RunOptions = {},
): Promise<{ reads: unknown[]; answers: unknown[][] }> {
  const pipeline = ctx.pipeline();
  reads.add(pipeline);
  for (const call of calls) {
    const keys =
      call.tenants === undefined ? ctx.declaredOf(call.tenant) : call.tenants.flatMap((t) => ctx.declaredOf(t));
    ctx.scripts.call(pipeline, call.script, keys, call.args);
  }
  if (options.register === true) {
    const unknown = [...new Set(calls.flatMap(tenantsOf))].filter((tenant) => !ctx.registered.has(tenant));
    if (unknown.length > 0) pipeline.sadd(tenantsKey(ctx.prefix), ...unknown);
  }
  const hinted = options.readyHint ?? new Set<Band>();
  addToReadyIndexes(ctx, pipeline, hinted);
  // Hinted bands will have waiting jobs: tell the workers in this same round trip.
  if (hinted.size > 0) pipeline.publish(signalChannel(ctx.prefix), 'ready');
  const waitAt = options.durable === true ? addWait(ctx, pipeline) : undefined;
  const all = await runPipeline(pipeline, options.epoch);
  if (waitAt !== undefined) checkWait(ctx, all[waitAt]);
  const replies = all.slice(reads.count, reads.count + calls.length) as unknown[][];
  if (options.register === true)
    for (const call of calls) for (const tenant of tenantsOf(call)) ctx.registered.add(tenant);

  const ready = new Set<Band>();
  let due = false;
  const freed: string[] = [];
  const live = new Set<string>();
  const answers = replies.map((reply, i) => {
    const notes = decodeNotes(reply, tenantsOf(calls[i] as TenantCall));
    for (const tenant of notes.live) live.add(tenant);
    for (const band of notes.ready) ready.add(band);
    if (notes.due) due = true;
    freed.push(...notes.freed);
    return notes.answer;
  });
  // Sent after the script that marked them, so that a tenant leaving meanwhile (retention's
  // check of 'live' follows its SREM) cannot take them out again: see leaveTenants. Not
  // awaited: the call's answer does not depend on it (a tenant new to this process was added
  // ahead of its script already), and the commands that follow on this connection come
  // after it anyway. A lost SADD is the gap leaveTenants describes.
  if (live.size > 0) void ctx.redis.sadd(tenantsKey(ctx.prefix), ...live).catch(() => undefined);
  if (freed.length > 0) await releaseHolds(ctx, freed);
  const unhinted = new Set([...ready].filter((band) => !hinted.has(band)));
  if (unhinted.size > 0 || due) {
    const follow = ctx.pipeline();
    addToReadyIndexes(ctx, follow, unhinted);
    if (unhinted.size > 0) follow.publish(signalChannel(ctx.prefix), 'ready');
    if (due) follow.publish(signalChannel(ctx.prefix), 'due');
    await runPipeline(follow);
  }
  return { reads: all.slice(0, reads.count), answers };
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

/** What a tenant function tells its caller besides its answer (lua/includes/keys.lua's reply). */
export interface Notes {
  /** Bands that got waiting jobs. */
  ready: Band[];
  /** A due time may have moved earlier. */
  due: boolean;
  /** Gate holds of jobs that stopped being active, to give back. */
  freed: string[];
  /** Tenants marked live by this call (to add to the tenant set). */
  live: string[];
  /** The function's own answer. */
  answer: unknown[];
}

/**
 * A tenant function's reply, `{ ready bands, due, freed holds, tenants marked live,
 * answer… }`: bands as digits per tenant of the call joined by '|', due 0/1, holds and the
 * places (1-based) of tenants marked live space-joined.
 */
export function decodeNotes(reply: readonly unknown[], tenants: readonly string[]): Notes {
  const ready: Band[] = [];
  String(reply[0] ?? '')
    .split('|')
    .forEach((bands, k) => {
      for (const priority of bands) ready.push(band(priority, tenants[k] ?? ''));
    });
  const live: string[] = [];
  for (const part of String(reply[3] ?? '').split(' ')) {
    if (part !== '') live.push(tenants[Number(part) - 1] ?? '');
  }
  const holds = String(reply[2] ?? '');
  return {
    ready,
    due: Number(reply[1]) === 1,
    freed: holds === '' ? [] : holds.split(' '),
    live,
    answer: reply.slice(4),
  };
}

function addToReadyIndexes(ctx: RedisContext, pipeline: ChainableCommander, bands: ReadonlySet<Band>): void {
  if (bands.size === 0) return;
  const pairs: (string | number)[] = [];
  for (const member of bands) pairs.push(bandPriority(member), member);
  pipeline.zadd(readyKey(ctx.prefix), ...pairs);
}

/** Executes a pipeline, turning script refusals and connection faults into CadenzaErrors. */
export async function runPipeline(pipeline: ChainableCommander, epoch?: number): Promise<unknown[]> {
  try {
    return await execAll(pipeline);
  } catch (error) {
    throw storeError(error, epoch);
  }
}

const REFUSALS: Record<string, ErrorCode> = {
  conflict: 'conflict',
  invalid_argument: 'invalid_argument',
  not_found: 'not_found',
};

/** Maps an error from Redis or ioredis to what the Store interface promises. */
export function storeError(error: unknown, epoch?: number): Error {
  if (error instanceof CadenzaError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // Script errors arrive as "ERR user_script:12: <code> <message> script: …" or plain "<code> …".
  const refusal = /(?:^|\s)(conflict|invalid_argument|not_found|stale_epoch)(?: ([^\n]*?))?(?: script: .*)?$/.exec(
    message,
  );
  if (refusal !== null) {
    const [, code = '', text = ''] = refusal;
    if (code === 'stale_epoch') return new StaleEpochError(epoch ?? Number(text), undefined);
    return new CadenzaError(REFUSALS[code] ?? 'conflict', text);
  }
  if (message === 'Command timed out')
    return new CadenzaError(
      'unavailable',
      'redis did not answer in time (commandTimeoutMs): it is stuck or overloaded',
      {
        cause: error,
      },
    );
  if (isConnectionFault(message))
    return new CadenzaError('unavailable', `redis is unavailable: ${message}`, { cause: error });
  return error instanceof Error ? error : new Error(message);
}

function isConnectionFault(message: string): boolean {
  return (
    /Connection is closed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|max retries per request|Stream isn't writeable|LOADING|enableOfflineQueue|connect/i.test(
      message,
    ) || isClusterFault(message)
  );
}

/**
 * A Redis Cluster between two states: a slot half moved to another primary (TRYAGAIN),
 * a primary failed and not yet replaced (CLUSTERDOWN), a slot map out of date (MOVED,
 * ASK, ioredis's own refusals while it refreshes one). Nothing ran, or what ran is asked
 * again the way a lost connection's calls are: `unavailable`, and the caller retries.
 */
function isClusterFault(message: string): boolean {
  return /^(TRYAGAIN|CLUSTERDOWN|MOVED|ASK) |slots allocation group|Too many Cluster redirections|Failed to refresh slots cache|None of startup nodes is available|Cluster isn't ready/.test(
    message,
  );
}
