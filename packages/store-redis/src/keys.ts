/**
 * Key names (the picture is in README.md). Every key of a tenant carries the hash tag
 * `{t:<tenant>}`, so that each script touches one slot; cross-tenant indexes have no tag
 * and are touched by separate commands.
 *
 * Every tenant function is given one key of its tenant, `declared` (the counts hash), and
 * builds the others from its name (`lua/includes/keys.lua`): every key of a tenant is
 * `<prefix>:{t:<tenant>}:<suffix>`, so the suffixes here and there must agree.
 */
export const PRIORITY_BANDS = 10;

export interface TenantKeys {
  /** Stream of waiting jobs, one per priority band 0..9 (index = priority). */
  streams: readonly string[];
  /** hash: local id → `<priority>/<entry id>` for each waiting job. */
  where: string;
  /** hash: local id → record, for every job that is not waiting. */
  jobs: string;
  /** hash: `<status>/<priority>` → job count; `tok` → lease token counter; `epoch` → highest fence seen. */
  counts: string;
  /** hash: idempotency key → local id. */
  idempotency: string;
  /** zset: active local ids by lease deadline. */
  leases: string;
  /** zset: delayed local ids by runAt. */
  delayed: string;
  /** zset (lex, score 0): `<parent>\0<child>` per child blocked on a parent not looked at yet; `<parent>\1<child>` once looked at while it waited on another (lua/includes/jobs.lua). */
  children: string;
  /** list: parents that ended and whose children wait to be released. */
  ended: string;
  /** zset: finished local ids by finishedAt (retention). */
  finished: string;
  /** hash: schedule id → schedule (JSON). */
  schedules: string;
  /** zset: schedule ids by nextFireAt (unpaused schedules with a next fire). */
  schedulesDue: string;
  /** hash: claim id → `<local id>/<token> …` handed out, kept until the claimer's next call. */
  claims: string;
  /** zset: waiting jobs parked for a gate (resources, job concurrency), by band and arrival. */
  parked: string;
  /** hash: local id → what a gated job needs (`gate=units …`) while parked, `@<holder>` while it holds. */
  gated: string;
  /** stream: the creation log, entries `<createdAt>-<seq>` of up to 100 local ids (`i`, space-joined) (lua/includes/listing.lua). */
  log: string;
  /** zset (lex, score 0): `<status code><log place><local id>` for every job that is not waiting (listing.lua). */
  index: string;
  /** hash: log entry id → how many of its jobs are still kept (listing.lua). */
  logCounts: string;
  /** hash: ring of 60 minute slots, `minute % 60` → `<minute> <succeeded> <failed> <retried>` (activity; lua/includes/jobs.lua). */
  activity: string;
  /** hash: local id → JSON of the job's past attempts, at most 25 (lua/includes/jobs.lua); deleted with the job. */
  pastAttempts: string;
  /** All of the above. */
  all: readonly string[];
  /** What a tenant function is given for this tenant: its counts hash (see keys.lua). */
  declared: readonly string[];
  /** The counts hash, then every other key: what a function is given on a Redis Cluster (context.ts). */
  everyKey: readonly string[];
}

export function tenantKeys(prefix: string, tenant: string): TenantKeys {
  const base = `${prefix}:{t:${tenant}}:`;
  const streams: string[] = [];
  for (let priority = 0; priority < PRIORITY_BANDS; priority++) streams.push(`${base}s:${priority}`);
  const named = {
    where: `${base}w`,
    jobs: `${base}j`,
    counts: `${base}n`,
    idempotency: `${base}k`,
    leases: `${base}l`,
    delayed: `${base}d`,
    children: `${base}c`,
    ended: `${base}x`,
    finished: `${base}f`,
    schedules: `${base}h`,
    schedulesDue: `${base}hz`,
    claims: `${base}q`,
    parked: `${base}g`,
    gated: `${base}gn`,
    log: `${base}a`,
    index: `${base}i`,
    logCounts: `${base}al`,
    activity: `${base}m`,
    pastAttempts: `${base}pa`,
  };
  const all = [
    ...streams,
    named.where,
    named.jobs,
    named.counts,
    named.idempotency,
    named.leases,
    named.delayed,
    named.children,
    named.ended,
    named.finished,
    named.schedules,
    named.schedulesDue,
    named.claims,
    named.parked,
    named.gated,
    named.log,
    named.index,
    named.logCounts,
    named.activity,
    named.pastAttempts,
  ];
  const everyKey = [named.counts, ...all.filter((key) => key !== named.counts)];
  return { streams, ...named, all, declared: [named.counts], everyKey };
}

/**
 * Cross-tenant: which tenants may have waiting jobs in which band — one sorted set of
 * `<priority>/<tenant>` members scored by priority, so a claimer reads every band in one
 * command.
 */
export function readyKey(prefix: string): string {
  return `${prefix}:ready`;
}

export function readyMember(priority: number | string, tenant: string): string {
  return `${priority}/${tenant}`;
}

/** Cross-tenant: every tenant that ever had a job or a schedule (add-only; walked by the coordinator). */
export function tenantsKey(prefix: string): string {
  return `${prefix}:tenants`;
}

/** The leader lease (hash: node, epoch, expiresAt); `epoch` outlives a release. */
export function leaderKey(prefix: string): string {
  return `${prefix}:leader`;
}

/** hash: process id → its latest report (JSON), the registry of live processes (nodes.ts). */
export function nodesKey(prefix: string): string {
  return `${prefix}:nodes`;
}

/**
 * Cluster-wide gates (named resources and per-name concurrency) live in a slot of their
 * own, `{g}`: every tenant's gated jobs count against them, so no tenant slot can hold
 * them. See src/store/gates/ and README.md "Gates".
 */
export interface GateKeys {
  /** hash: gate → units held now. */
  held: string;
  /** hash: holder (`<tenant>/<local id>/<claim id>`) → `gate=units …` it holds. */
  holders: string;
  /** zset: holders by the time their hold must be confirmed (the lease deadline they got). */
  deadlines: string;
  /** set: `<priority>/<tenant>` bands with parked jobs, woken when units come back. */
  waiters: string;
  /** In the order the gate scripts take them. */
  all: readonly string[];
}

export function gateKeys(prefix: string): GateKeys {
  const base = `${prefix}:{g}:`;
  const named = {
    held: `${base}held`,
    holders: `${base}holders`,
    deadlines: `${base}deadlines`,
    waiters: `${base}waiters`,
  };
  return { ...named, all: [named.held, named.holders, named.deadlines, named.waiters] };
}

/**
 * The event log (events/redis-event-log.ts): the stream, and the count of events appended
 * so far, which names its entries. One slot, `{e}`, for the script that writes both.
 */
export function eventKeys(prefix: string): { stream: string; count: string; all: readonly string[] } {
  const stream = `${prefix}:{e}:events`;
  const count = `${prefix}:{e}:count`;
  return { stream, count, all: [stream, count] };
}

/** Pub/sub channel of store signals (`ready`, `due`). */
export function signalChannel(prefix: string): string {
  return `${prefix}:signal`;
}

/**
 * Inside a tenant's keys a job is named by its **local id**, the id without the
 * `<tenant>:` head that every id carries: the tenant is in the key already, and the
 * shorter name keeps a waiting job under the memory budget.
 */
export function localId(tenant: string, id: string): string {
  return id.startsWith(`${tenant}:`) ? id.slice(tenant.length + 1) : id;
}

export function globalId(tenant: string, local: string): string {
  return `${tenant}:${local}`;
}
