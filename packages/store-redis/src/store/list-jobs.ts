import type { JobPage, JobQuery, ListedJob } from '@cadenza/core';
import { type CheckedJobQuery, checkJobQuery, decodeCursor, encodeCursor, listedJob } from '@cadenza/core/store-kit';
import type { RedisContext } from '../context.js';
import { tenantsKey } from '../keys.js';
import { listJobsAnswer } from './answers.js';
import { decodeRecord } from './record.js';
import { runTenantScripts } from './tenant-scripts.js';

/** Entries one `list-jobs` script looks at, at most: a few milliseconds of Redis. */
const SLICE_BUDGET = 100;
/** Entries one listJobs call looks at across its scripts before it answers a short page. */
const CALL_BUDGET = 20_000;

/**
 * A place in the list: a tenant's creation log place (entry `<ms>-<seq>`, k-th job in it).
 * Across tenants the list is newest first by (ms, tenant, seq, k), all descending, which
 * keeps each tenant's own order.
 */
interface Position {
  ms: number;
  tenant: string;
  seq: number;
  k: number;
}

interface Found {
  at: Position;
  job: ListedJob;
}

/** Where a tenant's reading stands. */
interface Reader {
  tenant: string;
  /** The next slice starts strictly below this log place ('' from the newest). */
  bound: string;
  /** The last entry looked at; undefined until one was. */
  last: Position | undefined;
  exhausted: boolean;
  found: Found[];
  /** How many matches its next slice asks for: little at first, more each time it is asked again. */
  ask: number;
}

/**
 * Lists jobs from each tenant's creation log or status index (lua/list-jobs.lua, see
 * lua/includes/listing.lua): every script looks at a bounded slice, below where the last
 * one stopped, and answers the matches. Tenants are read side by side, one pipelined
 * round trip per round, and merged newest first. The first round asks each tenant for its
 * share of the page; later rounds ask, for four times as many each time, only the tenants
 * that may still hold a job of the page (those whose reading stopped above the page's
 * last candidate). A page only holds jobs newer than every place such a tenant stopped
 * at, so when the call's budget runs out first the page is short and its cursor is that
 * place: the next page goes on from there.
 *
 * Cost: a page of `limit` jobs with a status filter (other than waiting) or none reads
 * about `limit` entries per tenant. Name, tag and `waiting` filters read entries until
 * enough match, at most CALL_BUDGET per call. Payloads and results stay in Redis unless
 * `include` asks for them.
 */
export async function listJobs(ctx: RedisContext, query: JobQuery): Promise<JobPage> {
  const checked = checkJobQuery({ ...query, cursor: undefined });
  const after = query.cursor === undefined ? undefined : positionOf(query.cursor);
  const tenants = checked.tenant !== undefined ? [checked.tenant] : await ctx.redis.smembers(tenantsKey(ctx.prefix));
  const want = checked.limit + 1;
  const share = Math.max(2, Math.ceil(want / Math.max(1, tenants.length)));
  const readers: Reader[] = tenants.map((tenant) => ({
    tenant,
    bound: after === undefined ? '' : boundAfter(after, tenant),
    last: undefined,
    exhausted: false,
    found: [],
    ask: share,
  }));
  let looked = 0;
  let reading = readers;
  for (;;) {
    looked += await readSlices(ctx, checked, reading);
    const page = pageOf(readers, checked.limit);
    if (page.open.length === 0 || looked >= CALL_BUDGET) return page.result;
    for (const reader of page.open) reader.ask = Math.min(want, reader.ask * 4);
    reading = page.open;
  }
}

/** One round: a slice of each reader, pipelined; answers how many entries were looked at. */
async function readSlices(ctx: RedisContext, query: CheckedJobQuery, readers: readonly Reader[]): Promise<number> {
  const include = `${query.include.payload ? 'p' : ''}${query.include.result ? 'r' : ''}`;
  const answers = await runTenantScripts(
    ctx,
    readers.map((reader) => ({
      tenant: reader.tenant,
      script: 'list-jobs',
      args: [reader.bound, query.status ?? '', query.name ?? '', query.tag ?? '', reader.ask, SLICE_BUDGET, include],
    })),
  );
  let looked = 0;
  readers.forEach((reader, k) => {
    const { last, exhausted, looked: seen, found } = listJobsAnswer(answers[k]);
    if (last !== '') {
      reader.bound = last;
      reader.last = logPosition(last, reader.tenant);
    }
    reader.exhausted = exhausted;
    looked += seen;
    for (const { place, local, record } of found) {
      const job = decodeRecord(reader.tenant, local, record);
      reader.found.push({ at: logPosition(place, reader.tenant), job: listedJob(job, query.include) });
    }
  });
  return looked;
}

/**
 * The page the readers allow, and the readers that may still change it (`open`): those not
 * at their end whose reading stopped above the page's last candidate (the (limit+1)-th
 * match found), since below their stop they may hold newer matches than it. The page
 * holds the matches newer than every open reader's stop (the horizon), so it is what it
 * would be with every tenant read through once `open` is empty.
 */
function pageOf(readers: readonly Reader[], limit: number): { open: Reader[]; result: JobPage } {
  const all = readers.flatMap((r) => r.found).sort((a, b) => compare(b.at, a.at));
  const candidate = all[limit]?.at;
  const open = readers.filter(
    (r) => !r.exhausted && (candidate === undefined || r.last === undefined || compare(r.last, candidate) > 0),
  );
  let horizon: Position | undefined;
  for (const reader of open) {
    if (reader.last !== undefined && (horizon === undefined || compare(reader.last, horizon) > 0)) {
      horizon = reader.last;
    }
  }
  const safe = horizon === undefined ? all : all.filter((f) => compare(f.at, horizon) >= 0);
  const page = safe.slice(0, limit);
  // More to list: a match past the page, or a reader not at its end.
  const more = safe.length > limit || readers.some((r) => !r.exhausted);
  const last = page[page.length - 1];
  // A full page goes on after its last job; a short one after the horizon it stopped at.
  const next = page.length === limit && last !== undefined ? last.at : horizon;
  return {
    open,
    result: {
      jobs: page.map((f) => f.job),
      nextCursor: more && next !== undefined ? encodeCursor([next.ms, next.tenant, next.seq, next.k]) : undefined,
    },
  };
}

/** Ascending order of positions (the list is descending). */
function compare(a: Position, b: Position): number {
  if (a.ms !== b.ms) return a.ms - b.ms;
  if (a.tenant !== b.tenant) return a.tenant < b.tenant ? -1 : 1;
  return a.seq - b.seq || a.k - b.k;
}

/** A place as the script writes it, `<ms>-<seq>.<k>`. */
function logPosition(place: string, tenant: string): Position {
  const dash = place.indexOf('-');
  const dot = place.indexOf('.', dash);
  return {
    ms: Number(place.slice(0, dash)),
    tenant,
    seq: Number(place.slice(dash + 1, dot)),
    k: Number(place.slice(dot + 1)),
  };
}

function positionOf(cursor: string): Position {
  const [ms, tenant, seq, k] = decodeCursor(cursor, 'nsnn') as [number, string, number, number];
  return { ms, tenant, seq, k };
}

/**
 * Where `tenant`'s reading starts for a page after `after` (exclusive, as the script takes
 * it; k 0 is before a whole entry): below `after` itself in its own tenant; at the same ms,
 * tenants ordered after it still have that whole ms to give, those ordered before it have
 * given it already.
 */
function boundAfter(after: Position, tenant: string): string {
  if (tenant === after.tenant) return `${after.ms}-${after.seq}.${after.k}`;
  return tenant < after.tenant ? `${after.ms + 1}-0.0` : `${after.ms}-0.0`;
}
