// Redis Cluster as real processes (docs/operations.md, "One Redis, Sentinel or Redis
// Cluster"): two `cadenza coordinator`s, two `cadenza worker`s and a `cadenza server` on a
// 3-primary, 3-replica Redis Cluster with durable writes (each enqueue and schedule fire
// acknowledged only once a replica holds it). Thirty tenants spread over the three
// primaries get a mixed workload — per-second schedules, delayed jobs, dependency chains,
// jobs made to fail — through the HTTP API and a store of the test's own, while the primary
// serving the most tenants is SIGKILLed, its replica takes over, and the killed node comes
// back as a replica of the promoted one. Every acknowledged enqueue must then exist and end
// as the test meant it to, no job may run twice to success, and no schedule may fire a time
// twice or skip one. Build first (`npx -y pnpm@12.4.2 build`); these tests run dist/bin.js.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  definedOnly,
  isCadenzaError,
  type JobInput,
  type ListedJob,
  type NewJob,
  prepareJobs,
  prepareSchedule,
  realClock,
  type Store,
} from '@cadenza/core';
import { createRedisStore } from '@cadenza/store-redis';
import { type ClusterHarness, startRedisCluster } from '@cadenza/store-redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, type Cadenza, type Role, startCadenza, waitFor } from './cadenza-process.js';
import { CLUSTER_HANDLERS, countBy, readRuns } from './cluster.js';
import { doubled, expectEverySecondOnce, SECOND } from './ha.js';
import { info, redisCli } from './redis-cluster-nodes.js';

const TENANTS = Array.from({ length: 30 }, (_, i) => `tenant-${String(i).padStart(2, '0')}`);
const NODE_TIMEOUT_MS = 1000;
/** Each tenant's producer enqueues one item (one to three jobs) this often: the load. */
const PACE_MS = 400;
/** A store call or HTTP request unanswered this long is stuck: reported, then retried. */
const CALL_TIMEOUT_MS = 15_000;
const SCHEDULE = 'every-second';

let harness: ClusterHarness | undefined;
let store: Store | undefined;
let dir = '';
const processes: Cadenza[] = [];
// Set once the test is over, however it ended: producers and their retries stop.
let abandoned = false;

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'cadenza-redis-cluster-'));
  // The harness's nodes stream their data to a replica that (re)joins at once: the wait
  // Redis makes by default (5 s) would only lengthen the window in which the promoted
  // primary cannot acknowledge a durable write.
  harness = await startRedisCluster({ primaries: 3, replicas: 1, appendOnly: true, nodeTimeoutMs: NODE_TIMEOUT_MS });
}, 60_000);

afterAll(async () => {
  abandoned = true;
  for (const node of processes) {
    if (node.proc.exitCode === null && node.proc.signalCode === null) node.proc.kill('SIGKILL');
    await node.exited;
  }
  await store?.close();
  await harness?.stop();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
}, 60_000);

type Phase = 'before' | 'failover' | 'after';
/** How a job must end: `dependency_failed` is failed because its parent failed. */
type Outcome = 'succeeded' | 'failed' | 'dependency_failed';

/** One job of an item; `parent` is the index of the job of the same item it depends on. */
interface Spec {
  name: 'record' | 'flaky';
  delayMs?: number;
  maxAttempts?: number;
  parent?: number;
  outcome: Outcome;
}

/** The items the producers cycle through: what a tenant enqueues at once. */
const ITEMS: Spec[][] = [
  [{ name: 'record', outcome: 'succeeded' }],
  [{ name: 'record', delayMs: 2 * SECOND, outcome: 'succeeded' }],
  [
    { name: 'record', outcome: 'succeeded' },
    { name: 'record', parent: 0, outcome: 'succeeded' },
    { name: 'record', parent: 1, outcome: 'succeeded' },
  ],
  [
    { name: 'record', delayMs: 3 * SECOND, outcome: 'succeeded' },
    { name: 'record', parent: 0, outcome: 'succeeded' },
  ],
  // `flaky` fails its first attempt, and with one attempt allowed the job fails: its child
  // is failed too, with dependency_failed. The only failures the test makes.
  [
    { name: 'flaky', maxAttempts: 1, outcome: 'failed' },
    { name: 'record', parent: 0, outcome: 'dependency_failed' },
  ],
];

interface Acked {
  id: string;
  tenant: string;
  outcome: Outcome;
  phase: Phase;
}

/** A refusal the test expects while a primary is missing (503 / `unavailable`): retried. */
const UNAVAILABLE = Symbol('unavailable');

/** Prints a measured figure (failover times, counts): shown, never asserted. */
function report(line: string): void {
  process.stdout.write(`[redis-cluster] ${line}\n`);
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('a Redis Cluster losing a primary', () => {
  it('keeps every acknowledged job of 30 tenants, runs each once and fires each second once across a failover', async () => {
    if (harness === undefined) throw new Error('no cluster');
    const cluster = harness;
    const prefix = cluster.prefix();
    const s = createRedisStore({ clusterUrls: cluster.urls, prefix, durableWrites: 1 });
    store = s;
    const runs = join(dir, 'runs.log');

    // Where each tenant lives: all of a tenant's keys share the hash tag {t:<tenant>}.
    const countsKey = (tenant: string) => `${prefix}:{t:${tenant}}:n`;
    const home = new Map<string, number>();
    for (const tenant of TENANTS) home.set(tenant, await cluster.primaryOf(countsKey(tenant)));
    const primaries = await cluster.primaries();
    const tenantsOn = (port: number) => TENANTS.filter((tenant) => home.get(tenant) === port);
    expect(primaries).toHaveLength(3);
    for (const port of primaries) expect(tenantsOn(port).length, `tenants on ${port}`).toBeGreaterThanOrEqual(3);

    const common = [
      '--redis-cluster',
      cluster.urls.join(','),
      '--durable-writes',
      '1',
      '--prefix',
      prefix,
      '--log-level',
      'warn',
    ];
    const start = async (role: Role, id: string, args: readonly string[]) => {
      const node = await startCadenza(role, [...common, ...args], { CADENZA_ID: id, CLUSTER_RUNS: runs });
      processes.push(node);
      return node;
    };
    // allSettled, not all: every process that did start is in `processes` before a failure
    // to start another fails the test, so that afterAll stops it.
    const starts = await Promise.allSettled([
      start('server', 'api-1', []),
      start('coordinator', 'c1', ['--leader-ttl-ms', '3000']),
      start('coordinator', 'c2', ['--leader-ttl-ms', '3000']),
      start('worker', 'w1', ['--handlers', CLUSTER_HANDLERS, '--concurrency', '20']),
      start('worker', 'w2', ['--handlers', CLUSTER_HANDLERS, '--concurrency', '20']),
    ]);
    for (const started of starts) if (started.status === 'rejected') throw started.reason;
    const server = (starts[0] as PromiseFulfilledResult<Cadenza>).value;

    // A per-second schedule on each primary, in the first tenant it serves.
    const scheduled = primaries.map((port) => tenantsOn(port)[0] as string);
    for (const tenant of scheduled) {
      await s.upsertSchedule(
        prepareSchedule(SCHEDULE, { name: 'record', tenant, cron: '* * * * * *' }),
        realClock.now(),
      );
    }
    const lastFire = async (tenant: string) => (await s.getSchedule(tenant, SCHEDULE))?.lastFireAt ?? 0;

    // ── the producers: each tenant enqueues an item every PACE_MS, retrying until acknowledged ──
    let phase: Phase = 'before';
    let stopping = false;
    const acked: Acked[] = [];
    const refused: Record<Phase, number> = { before: 0, failover: 0, after: 0 };
    /** Answers other than an acknowledgement or an `unavailable` refusal: there must be none. */
    const surprises: string[] = [];

    const untilAcked = async <T>(what: string, call: () => Promise<T | typeof UNAVAILABLE>): Promise<T | undefined> => {
      // Retried for up to 30 s: far longer than a failover takes.
      for (let tries = 0; tries < 300 && !abandoned; tries++) {
        try {
          const answer = await call();
          if (answer !== UNAVAILABLE) return answer;
          refused[phase]++;
        } catch (error) {
          surprises.push(`${phase}: ${what}: ${String(error)}`);
        }
        // The pause between retries of a refused enqueue, as a client would back off.
        await sleep(100);
      }
      if (!abandoned) surprises.push(`${what}: never acknowledged`);
      return undefined;
    };

    const viaStore = async (tenant: string, key: string, specs: readonly Spec[]) => {
      // Prepared again for each try, with new ids and the same idempotency keys: a try after
      // one that did land creates nothing and answers the ids that one wrote (a child naming
      // its parent's new id depends on the kept parent). Sending the same ids again would be
      // refused as a conflict, by the Store contract.
      const prepare = () => {
        const now = realClock.now();
        const jobs: NewJob[] = [];
        specs.forEach((spec, i) => {
          const parent = spec.parent === undefined ? undefined : jobs[spec.parent];
          const input: JobInput = {
            name: spec.name,
            tenant,
            payload: { key, i },
            idempotencyKey: `${key}.${i}`,
            ...definedOnly({ delayMs: spec.delayMs, maxAttempts: spec.maxAttempts }),
            ...(parent === undefined ? {} : { dependsOn: [parent.id] }),
          };
          jobs.push(...prepareJobs([input], now));
        });
        return jobs;
      };
      const ids = await untilAcked(`store enqueue ${key}`, async () => {
        try {
          const results = await withTimeout(s.enqueue(prepare(), realClock.now()), `store enqueue ${key}`);
          return results.map((r) => r.id);
        } catch (error) {
          if (isCadenzaError(error) && error.code === 'unavailable') return UNAVAILABLE;
          throw error;
        }
      });
      if (ids === undefined) return;
      ids.forEach((id, i) => {
        acked.push({ id, tenant, outcome: (specs[i] as Spec).outcome, phase });
      });
    };

    const viaHttp = async (tenant: string, key: string, specs: readonly Spec[]) => {
      // One POST a job, each child after its parent was acknowledged (it names the parent's id).
      const ids: string[] = [];
      for (const [i, spec] of specs.entries()) {
        const parent = spec.parent === undefined ? undefined : ids[spec.parent];
        const body = {
          name: spec.name,
          tenant,
          payload: { key, i },
          idempotencyKey: `${key}.${i}`,
          ...definedOnly({ delayMs: spec.delayMs, maxAttempts: spec.maxAttempts }),
          ...(parent === undefined ? {} : { dependsOn: [parent] }),
        };
        const id = await untilAcked(`POST /v1/jobs ${key}.${i}`, async () => {
          const response = await fetch(`${server.url}/v1/jobs`, {
            method: 'POST',
            body: JSON.stringify(body),
            headers: { 'content-type': 'application/json' },
            signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
          });
          const text = await response.text();
          // 201 created, 200 when the idempotency key found the job a lost answer had created.
          if (response.status === 201 || response.status === 200) return (JSON.parse(text) as { id: string }).id;
          if (response.status === 503) return UNAVAILABLE;
          throw new Error(`answered ${response.status}: ${text}`);
        });
        if (id === undefined) return;
        ids.push(id);
        acked.push({ id, tenant, outcome: spec.outcome, phase });
      }
    };

    const produce = async (tenant: string, n: number) => {
      for (let seq = 0; !stopping && !abandoned; seq++) {
        const specs = ITEMS[(seq + n) % ITEMS.length] as Spec[];
        const key = `${tenant}.${seq}`;
        if ((seq + n) % 2 === 0) await viaHttp(tenant, key, specs);
        else await viaStore(tenant, key, specs);
        // The producers' pace is the load, not a wait for something.
        await sleep(PACE_MS);
      }
    };
    const producers = TENANTS.map((tenant, n) => produce(tenant, n));
    const ackedIn = (tenant: string, p: Phase) => acked.filter((a) => a.tenant === tenant && a.phase === p).length;

    /** Each schedule's last fire when the primary was killed. */
    const firedAtKill = new Map<string, number>();
    try {
      await waitFor(
        'every tenant to have jobs and every schedule two fires',
        async () =>
          TENANTS.every((tenant) => ackedIn(tenant, 'before') >= 2) &&
          (await Promise.all(scheduled.map(async (t) => (await firesOf(s, t)).length))).every((n) => n >= 2),
        30_000,
      );

      // Every primary holds the keys of several tenants: counted on the node itself.
      const keysOn = new Map<number, { tenants: number; keys: number }>();
      for (const port of primaries) {
        let tenants = 0;
        let keys = 0;
        for (const tenant of tenantsOn(port)) {
          const slot = (await redisCli(port, 'CLUSTER', 'KEYSLOT', countsKey(tenant))).trim();
          const here = Number((await redisCli(port, 'CLUSTER', 'COUNTKEYSINSLOT', slot)).trim());
          if (here > 0) tenants++;
          keys += here;
        }
        keysOn.set(port, { tenants, keys });
      }
      report(
        `keys by primary: ${[...keysOn].map(([port, k]) => `${port}: ${k.tenants} tenants, ${k.keys} keys`).join('; ')}`,
      );
      for (const port of primaries)
        expect(keysOn.get(port)?.tenants, `tenants with keys on ${port}`).toBeGreaterThanOrEqual(3);

      // ── the failover: SIGKILL the primary serving the most tenants ──
      const victim = [...primaries].sort((a, b) => tenantsOn(b).length - tenantsOn(a).length)[0] as number;
      const victimTenants = tenantsOn(victim);
      for (const tenant of scheduled) firedAtKill.set(tenant, await lastFire(tenant));
      phase = 'failover';
      await cluster.kill(victim);
      await cluster.waitForOk(30_000);
      const promoted = await cluster.primaryOf(countsKey(victimTenants[0] as string));
      expect(promoted).not.toBe(victim);
      report(`killed primary ${victim} (${victimTenants.length} tenants); ${promoted} serves them`);

      // Its supervisor starts it again: it rejoins as the promoted node's replica, and only
      // then can the promoted node acknowledge durable writes again.
      await cluster.restart(victim);
      await cluster.waitForOk(30_000);
      expect((await info(victim, 'replication')).get('master_port')).toBe(String(promoted));
      phase = 'after';
      report(`node ${victim} is a replica of ${promoted} again`);

      // Enqueues and fires go on: the victim's tenants enqueue again and every schedule fires
      // five seconds past the last fire it had when the primary died.
      let behind: string[] = [];
      await waitFor(
        () =>
          `the tenants of the lost primary to enqueue again and every schedule to fire on (behind: ${behind.join(', ')})`,
        async () => {
          behind = victimTenants.filter((tenant) => ackedIn(tenant, 'after') < 2);
          for (const tenant of scheduled) {
            const at = await lastFire(tenant);
            if (at < (firedAtKill.get(tenant) ?? 0) + 5 * SECOND) {
              behind.push(
                `schedule of ${tenant} last fired ${new Date(at).toISOString()}, at the kill ${new Date(firedAtKill.get(tenant) ?? 0).toISOString()}`,
              );
            }
          }
          return behind.length === 0;
        },
        30_000,
      );
    } catch (error) {
      // What the processes said, for the report of a failure.
      for (const node of processes) {
        process.stdout.write(`--- ${node.url}\n${node.stdout.slice(-30).join('\n')}\n${node.stderr().slice(-3000)}\n`);
      }
      process.stdout.write(`surprises: ${surprises.slice(0, 20).join('\n')}\nrefused: ${JSON.stringify(refused)}\n`);
      throw error;
    } finally {
      stopping = true;
      await Promise.all(producers);
    }
    for (const tenant of scheduled) await s.setSchedulePaused(tenant, SCHEDULE, true, realClock.now());
    report(
      `acknowledged ${acked.length} jobs (before ${acked.filter((a) => a.phase === 'before').length}, failover ${
        acked.filter((a) => a.phase === 'failover').length
      }, after ${acked.filter((a) => a.phase === 'after').length}); refused (503/unavailable, retried): ${JSON.stringify(refused)}`,
    );
    expect(surprises).toEqual([]);

    // ── the end: every acknowledged job, and every fire, ends as meant ──
    const ids = acked.map((a) => a.id);
    let pending: string[] = [];
    await waitFor(
      () => `every acknowledged job to end (${pending.length} not yet, such as ${pending.slice(0, 5).join(', ')})`,
      async () => {
        const jobs = await getJobs(s, ids);
        pending = ids.filter((_, i) => !['succeeded', 'failed', 'canceled'].includes(jobs[i]?.status ?? ''));
        return pending.length === 0;
      },
      30_000,
    );
    await waitFor('every fire to end', async () => {
      for (const tenant of scheduled) {
        if (!(await firesOf(s, tenant)).every((job) => job.status === 'succeeded' || job.status === 'failed'))
          return false;
      }
      return true;
    });

    const jobs = await getJobs(s, ids);
    const missing = acked.filter((_, i) => jobs[i] === undefined);
    expect(missing).toEqual([]);
    const wrong = acked
      .map((a, i) => ({ ...a, status: jobs[i]?.status, error: jobs[i]?.error?.code }))
      .filter((a) =>
        a.outcome === 'succeeded'
          ? a.status !== 'succeeded'
          : a.status !== 'failed' || (a.outcome === 'dependency_failed') !== (a.error === 'dependency_failed'),
      );
    expect(wrong).toEqual([]);

    // The run log: each job that was meant to run ran once (a `flaky` one's single attempt
    // failed); a child of a failed parent never ran.
    const ranTimes = countBy(readRuns(runs), 'run');
    const fires = new Map<string, ListedJob[]>();
    for (const tenant of scheduled) fires.set(tenant, await firesOf(s, tenant));
    const expectedRuns = [
      ...acked.map((a) => ({ id: a.id, runs: a.outcome === 'dependency_failed' ? 0 : 1 })),
      ...[...fires.values()].flat().map((job) => ({ id: job.id, runs: 1 })),
    ];
    const offCount = expectedRuns.map((e) => ({ ...e, ran: ranTimes.get(e.id) ?? 0 })).filter((e) => e.ran !== e.runs);
    expect(offCount).toEqual([]);

    // The schedules: one job for each second from the first fire to the last, none twice,
    // each succeeded, and fires well past the failover on every primary.
    for (const tenant of scheduled) {
      const fired = fires.get(tenant) ?? [];
      const times = fired.map((job) => job.scheduledFor ?? 0);
      const [from, to] = [Math.min(...times), Math.max(...times)];
      expect(doubled(fired), `doubled fires of ${tenant}`).toEqual([]);
      expectEverySecondOnce(fired, from, to);
      expect(fired.filter((job) => job.status !== 'succeeded')).toEqual([]);
      expect(
        fired.filter((job) => (job.scheduledFor ?? 0) > (firedAtKill.get(tenant) ?? 0)).length,
      ).toBeGreaterThanOrEqual(5);
      report(`${tenant} on ${home.get(tenant)}: ${fired.length} fires, each second once`);
    }

    // Every process rode the failover out, and shuts down cleanly.
    for (const node of processes) expect(await node.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 120_000);
});

/** getJobs, a few hundred ids a call. */
async function getJobs(s: Store, ids: readonly string[]) {
  const jobs = [];
  for (let i = 0; i < ids.length; i += 500) jobs.push(...(await s.getJobs(ids.slice(i, i + 500))));
  return jobs;
}

/** The jobs the tenant's schedule created, oldest fire first. */
async function firesOf(s: Store, tenant: string): Promise<ListedJob[]> {
  const jobs: ListedJob[] = [];
  let cursor: string | undefined;
  do {
    const page = await s.listJobs({ tenant, limit: 500, ...definedOnly({ cursor }) });
    jobs.push(...page.jobs.filter((job) => job.scheduleId === SCHEDULE));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return jobs.sort((a, b) => (a.scheduledFor ?? 0) - (b.scheduledFor ?? 0));
}
