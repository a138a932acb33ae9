import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JobInput, type NewJob, prepareJob, prepareSchedule, type Store } from '@cadenza/core';
import { type RedisHarness, startRedis } from '@cadenza/store-redis/testing';
import { openStore } from '../store-url.js';

// Stores for the transfer tests (memory, SQLite on a temporary file, Redis on a real
// redis-server) and a source filled with jobs in every state and schedules of every trigger.

export const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
export const MINUTE = 60_000;

export interface Stores {
  open(kind: 'memory' | 'sqlite' | 'redis'): Promise<Store>;
  close(): Promise<void>;
}

/** Opens stores through the CLI's own `openStore`; each call a fresh, empty one. */
export async function stores(): Promise<Stores> {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-transfer-'));
  let redis: RedisHarness | undefined;
  const opened: Store[] = [];
  let n = 0;
  return {
    async open(kind) {
      n += 1;
      let store: Store;
      if (kind === 'memory') store = await openStore('memory');
      else if (kind === 'sqlite') store = await openStore(`sqlite:${join(dir, `s${n}.db`)}`);
      else {
        redis ??= await startRedis();
        store = await openStore(redis.url, { prefix: redis.prefix() });
      }
      opened.push(store);
      return store;
    },
    async close() {
      for (const store of opened) await store.close().catch(() => undefined);
      await redis?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function job(input: JobInput, id?: string): NewJob {
  const prepared = prepareJob(input, NOW);
  return id === undefined ? prepared : { ...prepared, id: `${prepared.tenant}:${id}` };
}

/** What `fill` made, by role, to look each one up in the target. */
export interface Filled {
  waiting: string;
  keyed: string;
  delayed: string;
  chain: string[];
  active: string;
  succeeded: string;
  failed: string;
  childOfFailed: string;
  childOfSucceeded: string;
  fired: string;
  /** Unfinished jobs the copy must carry (the child of a failed parent stays behind). */
  unfinished: number;
}

/**
 * Jobs in every state — waiting (one with an idempotency key), delayed, a chain of four
 * (one waiting, three blocked), active (attempt 1 of 3), succeeded, failed, a blocked child
 * of a failed parent and one of a succeeded parent (both before the coordinator released
 * them), a schedule's fire — and schedules of every trigger, one paused.
 */
export async function fill(store: Store): Promise<Filled> {
  const [a, b, c, d] = ['c1', 'c2', 'c3', 'c4'].map((id) => job({ name: 'step', payload: { id } }, id));
  const ids = {
    waiting: job({ name: 'email', payload: { to: 'ada' }, tags: ['x'], priority: 7, resources: { gpu: 1 } }),
    keyed: job({
      name: 'email',
      idempotencyKey: 'once-only',
      backoff: { type: 'fixed', delayMs: 100 },
      timeoutMs: 5000,
    }),
    delayed: job({ name: 'later', runAt: new Date(NOW + 3600_000).toISOString() }),
    active: job({ name: 'slow', maxAttempts: 3, tenant: 'acme' }),
    succeeded: job({ name: 'done' }),
    failed: job({ name: 'broken' }),
  };
  // Finished and active first: claims take the highest priority first.
  await store.enqueue([ids.active, ids.succeeded, ids.failed], NOW);
  const claimed = await store.claim({ workerId: 'w', limit: 3, leaseMs: 3600_000, now: NOW });
  const lease = (id: string) => claimed.find((j) => j.id === id)?.lease.token ?? '';
  const childOfFailed = job({ name: 'after', dependsOn: [ids.failed.id] });
  const childOfSucceeded = job({ name: 'after', dependsOn: [ids.succeeded.id] });
  await store.enqueue([childOfFailed, childOfSucceeded], NOW);
  await store.settle(
    [
      { jobId: ids.succeeded.id, token: lease(ids.succeeded.id), outcome: 'succeeded', result: 1 },
      {
        jobId: ids.failed.id,
        token: lease(ids.failed.id),
        outcome: 'failed',
        error: { code: 'handler_error', message: 'no' },
      },
    ],
    NOW,
  );
  for (const [id, input] of [
    ['nightly', { name: 'report', cron: '0 3 * * *', tz: 'Europe/Paris' }],
    ['tick', { name: 'tick', every: 90_000 }],
    ['once', { name: 'launch', at: new Date(NOW + 2 * 3600_000).toISOString() }],
    ['held', { name: 'report', cron: '*/5 * * * *', paused: true }],
    ['by-hand', { name: 'report', manual: true, tenant: 'acme', payload: { deep: [1, 2] } }],
  ] as const) {
    await store.upsertSchedule(prepareSchedule(id, input), NOW);
  }
  // One fire of `tick`, as a leader makes it: a job with scheduleId and scheduledFor.
  const tick = await store.getSchedule('default', 'tick');
  const lead = await store.acquireLeadership('source-leader', 10_000, NOW);
  if (tick?.nextFireAt === undefined || lead === undefined) throw new Error('fixture: no fire');
  const fireAt = tick.nextFireAt;
  const [fire] = await store.recordFires(
    lead,
    [
      {
        tenant: 'default',
        scheduleId: 'tick',
        expectedNextFireAt: fireAt,
        jobs: [{ ...job({ name: 'tick' }), scheduleId: 'tick', scheduledFor: fireAt }],
        nextFireAt: fireAt + 90_000,
      },
    ],
    fireAt,
  );
  await store.releaseLeadership(lead);

  if (a === undefined || b === undefined || c === undefined || d === undefined) throw new Error('fixture');
  await store.enqueue(
    [
      ids.waiting,
      ids.keyed,
      ids.delayed,
      a,
      { ...b, dependsOn: [a.id] },
      { ...c, dependsOn: [b.id] },
      { ...d, dependsOn: [c.id, a.id] },
    ],
    NOW,
  );
  return {
    waiting: ids.waiting.id,
    keyed: ids.keyed.id,
    delayed: ids.delayed.id,
    chain: [a.id, b.id, c.id, d.id],
    active: ids.active.id,
    succeeded: ids.succeeded.id,
    failed: ids.failed.id,
    childOfFailed: childOfFailed.id,
    childOfSucceeded: childOfSucceeded.id,
    fired: fire?.jobIds[0] ?? '',
    unfinished: 10,
  };
}
