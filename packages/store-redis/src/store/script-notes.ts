import type { ChainableCommander } from 'ioredis';
import { type Band, band, bandPriority } from '../band.js';
import type { RedisContext } from '../context.js';
import { readyKey, signalChannel, tenantsKey } from '../keys.js';
import { releaseHolds } from './gates/release.js';
import { runPipeline } from './store-errors.js';

/**
 * What a tenant function tells its caller besides its answer (lua/includes/keys.lua's
 * reply). A script touches one slot, so what must change outside it is noted and applied
 * here, after the scripts: the bands that got waiting jobs join the cross-tenant ready
 * index (a claimer re-checks counts after removing a band, so an entry added after the
 * script is never missed: band-index.ts), a due time that may have moved earlier wakes the
 * coordinator, the gate holds of jobs that stopped being active are given back in the
 * gates' slot (gates/release.ts), and tenants that got their first job or schedule since
 * they (re)joined go into the tenant set. Ready and due are published as store signals.
 */
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

/** The notes of several replies, merged, and each reply's own answer. */
export function splitReplies(
  replies: readonly unknown[][],
  tenantsOfCall: readonly (readonly string[])[],
): { notes: Omit<Notes, 'answer'>; answers: unknown[][] } {
  const ready = new Set<Band>();
  const live = new Set<string>();
  const merged = { ready: [] as Band[], due: false, freed: [] as string[], live: [] as string[] };
  const answers = replies.map((reply, i) => {
    const notes = decodeNotes(reply, tenantsOfCall[i] ?? []);
    for (const tenant of notes.live) live.add(tenant);
    for (const noted of notes.ready) ready.add(noted);
    if (notes.due) merged.due = true;
    merged.freed.push(...notes.freed);
    return notes.answer;
  });
  merged.ready = [...ready];
  merged.live = [...live];
  return { notes: merged, answers };
}

/** Applies the notes of a round trip's scripts; `hinted` bands were indexed and announced with them already. */
export async function applyNotes(
  ctx: RedisContext,
  notes: Omit<Notes, 'answer'>,
  hinted: ReadonlySet<Band>,
): Promise<void> {
  // Sent after the script that marked them, so that a tenant leaving meanwhile (retention's
  // check of 'live' follows its SREM) cannot take them out again: see leaveTenants. Not
  // awaited: the call's answer does not depend on it (a tenant new to this process was added
  // ahead of its script already), and the commands that follow on this connection come
  // after it anyway. A lost SADD is the gap leaveTenants describes.
  if (notes.live.length > 0) void ctx.redis.sadd(tenantsKey(ctx.prefix), ...notes.live).catch(() => undefined);
  if (notes.freed.length > 0) await releaseHolds(ctx, notes.freed);
  const unhinted = new Set(notes.ready.filter((noted) => !hinted.has(noted)));
  if (unhinted.size > 0 || notes.due) {
    const follow = ctx.pipeline();
    addToReadyIndexes(ctx, follow, unhinted);
    if (unhinted.size > 0) follow.publish(signalChannel(ctx.prefix), 'ready');
    if (notes.due) follow.publish(signalChannel(ctx.prefix), 'due');
    await runPipeline(follow);
  }
}

/** Queues the ready index entries of `bands` (scored by priority). */
export function addToReadyIndexes(ctx: RedisContext, pipeline: ChainableCommander, bands: ReadonlySet<Band>): void {
  if (bands.size === 0) return;
  const pairs: (string | number)[] = [];
  for (const member of bands) pairs.push(bandPriority(member), member);
  pipeline.zadd(readyKey(ctx.prefix), ...pairs);
}
