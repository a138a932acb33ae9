/**
 * The key layout: every key cadenza writes, its type and what it holds. This file is the
 * one description of it. `lua/includes/keys.lua` (the suffixes the scripts build) and the
 * picture in README.md ("Key layout") say the same, and `src/layout.test.ts` fails when
 * either disagrees with the tables here. How values are laid out inside these keys (stream
 * entries, records, schedule rows) is `value-layouts.ts`.
 *
 * Every key of a tenant carries the hash tag `{t:<tenant>}`, so that each script touches
 * one slot; cross-tenant indexes have no tag and are touched by separate commands. Every
 * tenant function is given one key of its tenant, `declared` (the counts hash), and builds
 * the others from its name: every key of a tenant is `<prefix>:{t:<tenant>}:<suffix>`.
 */
export const PRIORITY_BANDS = 10;

/** One key of a tenant: its suffix after `<prefix>:{t:<tenant>}:`, its Redis type, what it holds. */
export interface TenantKeySpec {
  suffix: string;
  type: 'hash' | 'zset' | 'list' | 'stream';
  holds: string;
}

/** The suffix of band p's stream of waiting jobs: `s:<p>`, p in 0..9. */
export const STREAM_SUFFIX = 's:';

/** Every key of a tenant but the band streams, by the name TenantKeys gives it. */
export const TENANT_KEY_LAYOUT = {
  where: { suffix: 'w', type: 'hash', holds: 'local id → `<p>/<entry id>`, for each waiting job in a stream' },
  jobs: { suffix: 'j', type: 'hash', holds: 'local id → record (value-layouts.ts), for every other job' },
  counts: { suffix: 'n', type: 'hash', holds: 'the fields of COUNTS_FIELDS' },
  idempotency: { suffix: 'k', type: 'hash', holds: 'idempotency key (or a fire key) → local id' },
  leases: { suffix: 'l', type: 'zset', holds: 'active local ids by lease deadline' },
  delayed: { suffix: 'd', type: 'zset', holds: 'delayed local ids by runAt' },
  children: {
    suffix: 'c',
    type: 'zset',
    holds:
      '`<parent>\\0<child>` per child blocked on a parent not looked at yet, `<parent>\\1<child>` once looked at while it waited on another (score 0: lex order)',
  },
  ended: { suffix: 'x', type: 'list', holds: 'parents that ended, whose children wait to be released' },
  finished: { suffix: 'f', type: 'zset', holds: 'finished local ids by finishedAt (retention)' },
  schedules: { suffix: 'h', type: 'hash', holds: 'schedule id → schedule row (NUL-joined, value-layouts.ts)' },
  schedulesDue: { suffix: 'hz', type: 'zset', holds: 'schedule ids by nextFireAt (unpaused, with a next fire)' },
  claims: {
    suffix: 'q',
    type: 'hash',
    holds: 'claim id → `<made at> <local id>/<token> …` it handed out, until the claimer’s next call',
  },
  parked: { suffix: 'g', type: 'zset', holds: 'waiting jobs parked for a gate, by p·10¹² + parking order (`gseq`)' },
  gated: { suffix: 'gn', type: 'hash', holds: 'local id → `gate=units …` while parked, `@<holder>` while holding' },
  log: {
    suffix: 'a',
    type: 'stream',
    holds: 'the creation log: entries `<createdAt>-<seq>` → `i`: up to 100 local ids, space-joined',
  },
  index: {
    suffix: 'i',
    type: 'zset',
    holds: '`<status code><ms:6 bytes><seq:4 bytes><local id>` for every job neither waiting nor active (score 0)',
  },
  logCounts: { suffix: 'al', type: 'hash', holds: 'log entry id → how many of its jobs are still kept' },
  activity: {
    suffix: 'm',
    type: 'hash',
    holds: 'a ring of 60 minute slots, `minute % 60` → `<minute> <succeeded> <failed> <retried>`',
  },
  pastAttempts: { suffix: 'pa', type: 'hash', holds: 'local id → its past attempts (JSON, the newest 25)' },
} as const satisfies Record<string, TenantKeySpec>;

/** The fields of a tenant's counts hash (`n`), besides one count per status and band. */
export const COUNTS_FIELDS = {
  '<status>/<p>': 'how many jobs of that status are in band p (parked jobs are also under waiting/<p>)',
  tok: 'the lease token counter',
  epoch: 'the highest leader epoch that wrote here (the fence)',
  bt: 'rate tokens left, a float (only for a tenant with a rate)',
  ba: 'the claim time the bucket was refilled to',
  gseq: 'the parking order counter (the arrival part of `g` scores)',
  alog: 'the newest creation log entry id given (lua/includes/listing.lua)',
  live: 'set while the tenant is in the tenant set',
} as const;

type TenantKeyName = keyof typeof TENANT_KEY_LAYOUT;

export type TenantKeys = Record<TenantKeyName, string> & {
  /** Stream of waiting jobs, one per priority band 0..9 (index = priority). */
  streams: readonly string[];
  /** All of the tenant's keys: the streams, then the others in TENANT_KEY_LAYOUT's order. */
  all: readonly string[];
  /** What a tenant function is given for this tenant: its counts hash (see keys.lua). */
  declared: readonly string[];
  /** The counts hash, then every other key: what a function is given on a Redis Cluster (context.ts). */
  everyKey: readonly string[];
};

const TENANT_KEY_NAMES = Object.keys(TENANT_KEY_LAYOUT) as TenantKeyName[];

export function tenantKeys(prefix: string, tenant: string): TenantKeys {
  const base = `${prefix}:{t:${tenant}}:`;
  const streams: string[] = [];
  for (let priority = 0; priority < PRIORITY_BANDS; priority++) streams.push(`${base}${STREAM_SUFFIX}${priority}`);
  const named = {} as Record<TenantKeyName, string>;
  for (const name of TENANT_KEY_NAMES) named[name] = `${base}${TENANT_KEY_LAYOUT[name].suffix}`;
  const all = [...streams, ...TENANT_KEY_NAMES.map((name) => named[name])];
  const everyKey = [named.counts, ...all.filter((key) => key !== named.counts)];
  return { streams, ...named, all, declared: [named.counts], everyKey };
}

/**
 * Cross-tenant (zset): which tenants may have waiting jobs in which band — one member per
 * band (band.ts) scored by priority, so a claimer reads every band in one command.
 */
export function readyKey(prefix: string): string {
  return `${prefix}:ready`;
}

/**
 * Cross-tenant (set): the tenants with jobs or schedules, walked by the coordinator, listing
 * and depths. A tenant joins with its first job or schedule (its counts' `live` marks it)
 * and leaves once retention finds it empty (retention.ts).
 */
export function tenantsKey(prefix: string): string {
  return `${prefix}:tenants`;
}

/** The leader lease (hash: node, epoch, expiresAt, tickedAt); `epoch` outlives a release. */
export function leaderKey(prefix: string): string {
  return `${prefix}:leader`;
}

/** On each `lockUrls` instance (hash: node, epoch, expiresAt; PEXPIRE ttl): the Redlock leader lock (redlock.ts). */
export function leaderLockKey(prefix: string): string {
  return `${prefix}:leader-lock`;
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
  /** hash: gate (`r:<resource>`, `n:<job name>`) → units held now; `#gen` → releases so far. */
  held: string;
  /** hash: holder (`<tenant>/<local id>/<claim id>`) → `gate=units …` it holds. */
  holders: string;
  /** zset: holders by the time their hold must be confirmed (the lease deadline they got). */
  deadlines: string;
  /** set: bands (band.ts) with parked jobs, woken when units come back. */
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
 * The event log (events/redis-event-log.ts): the stream, whose entries `<events so far>-0`
 * hold `e`, a JSON array of events, and the count of events appended so far (a string),
 * which names its entries. One slot, `{e}`, for the script that writes both.
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
