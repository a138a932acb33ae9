// A leader cut off from Redis (through a TCP proxy the test cuts and restores) or paused
// (SIGSTOP) past its lease: another coordinator takes over; when the old one is back, what
// it had in flight is refused by the fence, it says so, and it follows. No fire doubled,
// none missing. Build first (`npx -y pnpm@12.4.2 build`).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { realClock } from '@cadenza/core';
import { type RedisHarness, startRedis } from '@cadenza/store-redis/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, type Cadenza, waitFor } from './cadenza-process.js';
import { type Cluster, cluster } from './cluster.js';
import { expectEverySecondOnce, jobsOf, logged, perSecond, report, SECOND, waitForLeader, waitForLog } from './ha.js';
import { startProxy, type TcpProxy } from './tcp-proxy.js';

const TTL_MS = 3000;
const LEASE = ['--leader-ttl-ms', String(TTL_MS)];
const LATE = 'could not renew the leader lease in time; stopped leading before it could expire';
const REFUSED = 'a write of an ended term was refused by the fence';

let redis: RedisHarness;
let dir: string;
let c: Cluster | undefined;
let proxy: TcpProxy | undefined;

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'cadenza-ha-fence-'));
  redis = await startRedis();
});
afterEach(async () => {
  await c?.close();
  await proxy?.close();
  c = undefined;
  proxy = undefined;
});
afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Waits until the schedule has fired past `at`; returns its last fire. */
async function firedPast(cl: Cluster, at: number): Promise<number> {
  let last = 0;
  await waitFor(
    () => `a fire after ${new Date(at).toISOString()}`,
    async () => {
      last = (await cl.store.getSchedule('default', 'tick'))?.lastFireAt ?? 0;
      return last > at;
    },
  );
  return last;
}

/** a leads (started first), b follows; the per-second schedule has fired twice under a. */
async function twoCoordinators(
  cl: Cluster,
  aArgs: readonly string[],
): Promise<{ a: Cadenza; b: Cadenza; from: number }> {
  const a = await cl.coordinator('a', [...LEASE, ...aArgs]);
  await waitForLeader(cl, (l) => l.id === 'a');
  const b = await cl.coordinator('b', LEASE);
  await perSecond(cl, 'tick');
  const first = await firedPast(cl, 0);
  await firedPast(cl, first);
  return { a, b, from: first };
}

/** The end of every scenario: the schedule paused, each second from `from` on fired once. */
async function expectNoFireDoubledOrMissing(cl: Cluster, from: number): Promise<void> {
  await cl.store.setSchedulePaused('default', 'tick', true, realClock.now());
  const jobs = await jobsOf(cl, 'tick');
  const to = Math.max(...jobs.map((j) => j.scheduledFor ?? 0));
  expectEverySecondOnce(jobs, from, to);
  report(`${jobs.length} fires from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}`);
}

describe('a leader cut off from Redis', () => {
  it('is taken over; once the link is back its pending writes are refused and it follows', async () => {
    c = cluster(redis, join(dir, 'runs-proxy.log'), ['--log-level', 'info']);
    const cl = c;
    proxy = await startProxy(Number(new URL(redis.url).port));
    const { a, from } = await twoCoordinators(cl, ['--redis', proxy.url]);

    proxy.cut();
    const cutAt = performance.now();
    const b = await waitForLeader(cl, (l) => l.id === 'b');
    report(`partition: b leads ${Math.round(performance.now() - cutAt)} ms after the cut`);
    // a stopped acting on its own, before its lease could expire, and said so.
    await waitForLog(a, LATE);
    await firedPast(cl, realClock.now() + SECOND); // b fires while a is cut off

    proxy.restore();
    // a ticks every second, so it nearly always has a write in flight when the link is cut;
    // on a very busy machine its deadline may pass first and there is nothing to refuse.
    await waitFor('a to answer again, as a follower', async () => {
      const ready = await a.http<{ leading?: boolean; leader?: { id: string } }>('GET', '/readyz');
      return ready.status === 200 && ready.body.leading === false && ready.body.leader?.id === 'b';
    });
    await waitForLog(a, REFUSED, 5000).catch(() => undefined);
    const refused = logged(a, REFUSED);
    for (const line of refused) expect(line).toMatchObject({ epoch: b.epoch - 1 });
    report(`partition: ${refused.length} write(s) of a's ended term refused by the fence`);
    await firedPast(cl, realClock.now() + SECOND);
    expect(await waitForLeader(cl, () => true)).toEqual(b);
    await expectNoFireDoubledOrMissing(cl, from);
  }, 60_000);
});

describe('a leader paused past its lease', () => {
  it('is taken over; on SIGCONT it stops leading, writes nothing stale, and follows', async () => {
    c = cluster(redis, join(dir, 'runs-stop.log'), ['--log-level', 'info']);
    const cl = c;
    const { a, from } = await twoCoordinators(cl, []);

    a.proc.kill('SIGSTOP');
    const stoppedAt = performance.now();
    const b = await waitForLeader(cl, (l) => l.id === 'b');
    report(`SIGSTOP: b leads ${Math.round(performance.now() - stoppedAt)} ms after the pause`);
    // The pause itself is the scenario: longer than a's lease, whatever b did meanwhile.
    await sleep(Math.max(0, stoppedAt + TTL_MS + SECOND - performance.now()));
    a.proc.kill('SIGCONT');

    await waitForLog(a, LATE);
    // Whatever a had in flight when it froze (if anything) was refused, never applied.
    for (const line of logged(a, REFUSED)) expect(line).toMatchObject({ epoch: b.epoch - 1 });
    await firedPast(cl, realClock.now() + SECOND);
    const ready = await a.http<{ leading: boolean; leader: { id: string } }>('GET', '/readyz');
    expect(ready.body).toMatchObject({ leading: false, leader: { id: 'b' } });
    expect(await waitForLeader(cl, () => true)).toEqual(b);
    await expectNoFireDoubledOrMissing(cl, from);
  }, 60_000);
});
