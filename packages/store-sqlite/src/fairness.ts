import { MAX_PRIORITY, MIN_PRIORITY } from '@cadenza/core';
import type { Ctx } from './context.js';

/*
 * The order `claim` hands out waiting jobs, kept in tables so that it carries across
 * calls, store instances and processes (the memory store's ReadyQueues, in SQL):
 *
 *   band 9 ─ ring: (9, acme, pos 12) (9, beta, pos 15) …   turns: (9, cursor_pos, served)
 *   band 8 ─ …
 *
 * A higher band is always emptied first. `ring` holds, per band, the tenants that have
 * waiting jobs, in the order they (re)joined: `pos` is taken from the store's sequence
 * when a tenant's queue goes from empty to non-empty, and the row goes when it empties.
 * `turns` holds the cursor (the pos of the tenant whose turn it is; when that tenant left,
 * the turn is the next pos after it) and how many jobs that tenant has had in its turn.
 * A tenant of weight w is served w jobs in a row, then the turn moves on. Within a
 * tenant, jobs go by `qseq`: first in, first out, a requeued job at the back.
 */

interface RingEntry {
  tenant: string;
  pos: number;
}

interface Turn {
  cursor_pos: number;
  served: number;
}

/** A tenant's queue in a band became non-empty (or may have): it joins the ring's end. */
export function joinRing(ctx: Ctx, priority: number, tenant: string): void {
  if (ctx.sql('SELECT 1 FROM ring WHERE priority = ? AND tenant = ?').get(priority, tenant) !== undefined) return;
  ctx.sql('INSERT INTO ring (priority, tenant, pos) VALUES (?, ?, ?)').run(priority, tenant, ctx.nextSeq());
}

/** A tenant's job left `waiting`: when its queue is now empty, it leaves the ring. */
export function leaveRingIfEmpty(ctx: Ctx, priority: number, tenant: string): void {
  const any = ctx
    .sql("SELECT 1 FROM jobs WHERE status = 'waiting' AND priority = ? AND tenant = ? LIMIT 1")
    .get(priority, tenant);
  if (any !== undefined) return;
  const gone = ctx.sql('DELETE FROM ring WHERE priority = ? AND tenant = ? RETURNING pos').get(priority, tenant) as
    | { pos: number }
    | undefined;
  if (gone === undefined) return;
  const turn = turnOf(ctx, priority);
  // The turn passes to the next tenant; past the end, back to the first.
  const ahead = ctx.sql('SELECT 1 FROM ring WHERE priority = ? AND pos >= ? LIMIT 1').get(priority, turn.cursor_pos);
  if (gone.pos === turn.cursor_pos || ahead === undefined) {
    setTurn(ctx, priority, ahead === undefined ? firstPos(ctx, priority) : turn.cursor_pos, 0);
  }
}

function turnOf(ctx: Ctx, priority: number): Turn {
  return (
    (ctx.sql('SELECT cursor_pos, served FROM turns WHERE priority = ?').get(priority) as Turn | undefined) ?? {
      cursor_pos: 0,
      served: 0,
    }
  );
}

function setTurn(ctx: Ctx, priority: number, cursorPos: number, served: number): void {
  ctx.sql('UPDATE turns SET cursor_pos = ?, served = ? WHERE priority = ?').run(cursorPos, served, priority);
}

function firstPos(ctx: Ctx, priority: number): number {
  const row = ctx.sql('SELECT MIN(pos) AS pos FROM ring WHERE priority = ?').get(priority) as { pos: number | null };
  return row.pos ?? 0;
}

/** The pos after `pos` in the ring, wrapping to the first. */
function nextPos(ctx: Ctx, priority: number, pos: number): number {
  const row = ctx.sql('SELECT MIN(pos) AS pos FROM ring WHERE priority = ? AND pos > ?').get(priority, pos) as {
    pos: number | null;
  };
  return row.pos ?? firstPos(ctx, priority);
}

/**
 * Which tenants a claim may be served from: those in `eligible` (a JSON array of names,
 * undefined for all), less those `held` at a limit. As SQL to add to a query on `ring`.
 */
function tenantFilter(eligible: string | undefined, held: ReadonlySet<string>): { sql: string; params: string[] } {
  let sql = '';
  const params: string[] = [];
  if (eligible !== undefined) {
    sql += ' AND tenant IN (SELECT value FROM json_each(?))';
    params.push(eligible);
  }
  if (held.size > 0) {
    sql += ' AND tenant NOT IN (SELECT value FROM json_each(?))';
    params.push(JSON.stringify([...held]));
  }
  return { sql, params };
}

/** The tenant whose turn it is in a band, passing over tenants the filter leaves out. */
function turnHolder(
  ctx: Ctx,
  priority: number,
  from: number,
  filter: { sql: string; params: string[] },
): RingEntry | undefined {
  return (ctx
    .sql(`SELECT tenant, pos FROM ring WHERE priority = ? AND pos >= ?${filter.sql} ORDER BY pos LIMIT 1`)
    .get(priority, from, ...filter.params) ??
    ctx
      .sql(`SELECT tenant, pos FROM ring WHERE priority = ?${filter.sql} ORDER BY pos LIMIT 1`)
      .get(priority, ...filter.params)) as RingEntry | undefined;
}

/**
 * The job a claim takes next from a tenant's queue in a band: its id; `undefined` when the
 * queue is empty; `false` when it has jobs but none may start now (resource gates, see
 * gates.ts), so that the tenant is passed over in this band for the rest of the claim.
 */
export type PickJob = (priority: number, tenant: string) => string | false | undefined;

/** The plain pick: the head of the queue, first in, first out. */
export const headOfQueue =
  (ctx: Ctx): PickJob =>
  (priority, tenant) => {
    const head = ctx
      .sql("SELECT id FROM jobs WHERE status = 'waiting' AND priority = ? AND tenant = ? ORDER BY qseq LIMIT 1")
      .get(priority, tenant) as { id: string } | undefined;
    return head?.id;
  };

/**
 * Takes up to `limit` job ids in claim order, each chosen by `pick` and handed to `take`
 * (which moves the job out of `waiting`, so out of its queue) before the next is chosen.
 * `eligible` is a JSON array of tenant names, or undefined for all tenants. A tenant
 * `mayTake` refuses (at a limit) is passed over like one not eligible, for the rest of the
 * claim: taking only brings a tenant closer to its limits. A tenant whose queue in a band
 * has nothing `pick` may start is passed over in that band only.
 */
export function takeInTurn(
  ctx: Ctx,
  limit: number,
  eligible: string | undefined,
  mayTake: (tenant: string) => boolean,
  pick: PickJob,
  take: (id: string) => void,
): number {
  let taken = 0;
  const held = new Set<string>();
  const bands = ctx.sql('SELECT DISTINCT priority FROM ring ORDER BY priority DESC').all() as { priority: number }[];
  for (const { priority } of bands) {
    if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) continue;
    // Tenants held at a limit, plus (in this band only) those with nothing that may start.
    const passed = new Set(held);
    let filter = tenantFilter(eligible, passed);
    while (taken < limit) {
      const turn = turnOf(ctx, priority);
      const holder = turnHolder(ctx, priority, turn.cursor_pos, filter);
      if (holder === undefined) break;
      if (!mayTake(holder.tenant)) {
        held.add(holder.tenant);
        passed.add(holder.tenant);
        filter = tenantFilter(eligible, passed);
        continue;
      }
      const id = pick(priority, holder.tenant);
      if (id === false) {
        passed.add(holder.tenant);
        filter = tenantFilter(eligible, passed);
        continue;
      }
      if (id === undefined) {
        // Cannot happen while every move in or out of waiting keeps the ring; heal it if it does.
        leaveRingIfEmpty(ctx, priority, holder.tenant);
        continue;
      }
      const served = (holder.pos === turn.cursor_pos ? turn.served : 0) + 1;
      take(id);
      taken++;
      const stillQueued = ctx.sql('SELECT 1 FROM ring WHERE priority = ? AND tenant = ?').get(priority, holder.tenant);
      if (stillQueued === undefined) setTurn(ctx, priority, nextPos(ctx, priority, holder.pos), 0);
      else if (served >= ctx.weightOf(holder.tenant)) setTurn(ctx, priority, nextPos(ctx, priority, holder.pos), 0);
      else setTurn(ctx, priority, holder.pos, served);
    }
    if (taken >= limit) break;
  }
  return taken;
}
