import type { Store } from '@cadenza/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CopyJob } from './copy-job.js';
import { refuseBusySource, refuseBusyTarget } from './in-use.js';
import { reportLines, runTransfer, transferFailed } from './run-transfer.js';
import type { TransferSource } from './source.js';
import { storeSource } from './store-source.js';
import { fill, job, MINUTE, NOW, type Stores, stores } from './transfer.test-helpers.js';

const AT = NOW + MINUTE; // the instant of the copy
let s: Stores;
beforeAll(async () => {
  s = await stores();
});
afterAll(() => s.close());

const PAIRS = [
  ['memory', 'sqlite'],
  ['sqlite', 'redis'],
  ['redis', 'memory'],
] as const;

describe.each(PAIRS)(
  'migrate %s → %s',
  (fromKind, toKind) => {
    it('copies every schedule with its next fire and every unfinished job with its state, and verifies', async () => {
      const from = await s.open(fromKind);
      const to = await s.open(toKind);
      const f = await fill(from);
      const report = await runTransfer(storeSource(from, 3), to, AT, () => AT);
      expect(report.verification.differences).toEqual([]);
      expect(transferFailed(report)).toBe(false);
      expect(report.jobs).toMatchObject({ copied: f.unfinished, present: 0, leftOut: 1, duplicates: [] });
      expect(report.schedules).toEqual({ written: 5, present: 0, unequal: [] });
      expect(report.verification.jobs).toEqual({
        waiting: { source: 6, target: 6 },
        delayed: { source: 1, target: 1 },
        blocked: { source: 3, target: 3 },
      });

      // Schedules keep their next fire, paused state and definition.
      for (const [tenant, id] of [
        ['default', 'nightly'],
        ['default', 'tick'],
        ['default', 'once'],
        ['default', 'held'],
        ['acme', 'by-hand'],
      ] as const) {
        const a = await from.getSchedule(tenant, id);
        const b = await to.getSchedule(tenant, id);
        expect(b?.nextFireAt, id).toBe(a?.nextFireAt);
        expect(b?.paused, id).toBe(a?.paused);
        expect(b?.trigger, id).toEqual(a?.trigger);
      }

      const [active, chainD, delayed, childOfSucceeded, finished, doomed, waiting] = await to.getJobs([
        f.active,
        f.chain[3] ?? '',
        f.delayed,
        f.childOfSucceeded,
        f.succeeded,
        f.childOfFailed,
        f.waiting,
      ]);
      // The interrupted attempt is spent: 3 allowed, 1 used, 2 left.
      expect(active).toMatchObject({ status: 'waiting', attempt: 0, maxAttempts: 2, tenant: 'acme' });
      expect(chainD).toMatchObject({ status: 'blocked' });
      expect([...(chainD?.dependsOn ?? [])].sort()).toEqual([f.chain[0], f.chain[2]].sort());
      expect(delayed).toMatchObject({ status: 'delayed', runAt: NOW + 3600_000 });
      // Its parent succeeded: nothing left to wait for.
      expect(childOfSucceeded).toMatchObject({ status: 'waiting', dependsOn: [] });
      expect(finished).toBeUndefined();
      expect(doomed).toBeUndefined();
      expect(waiting).toMatchObject({ payload: { to: 'ada' }, tags: ['x'], priority: 7, resources: { gpu: 1 } });

      // The idempotency key still deduplicates, and the schedule's fire cannot be made twice.
      const again = await to.enqueue([job({ name: 'email', idempotencyKey: 'once-only' })], AT);
      expect(again[0]).toMatchObject({ id: f.keyed, created: false });
      const fired = await to.getJob(f.fired);
      expect(fired?.scheduleId).toBe('tick');
      // The copy keeps the fire it came from, and the schedule's next fire lies after it: a
      // coordinator on the target never makes that fire again.
      const tick = await to.getSchedule('default', 'tick');
      expect(fired?.scheduledFor).toBeDefined();
      expect(tick?.nextFireAt).toBeGreaterThan(fired?.scheduledFor ?? Number.POSITIVE_INFINITY);
      const due = await to.dueSchedules(fired?.scheduledFor ?? 0, 10);
      expect(due.map((d) => d.id)).not.toContain('tick');

      // The chain runs in order in the target: each child is released by its parent's success.
      const lead = await to.acquireLeadership('target', 60_000, AT);
      if (lead === undefined) throw new Error('no lead');
      for (const id of f.chain) {
        await to.releaseDependents(lead, AT, 100);
        expect((await to.getJob(id))?.status, id).toBe('waiting');
        await runOne(to, id);
      }
    });

    it('resumes an interrupted copy, and a run over a complete one copies nothing', async () => {
      const from = await s.open(fromKind);
      const to = await s.open(toKind);
      const f = await fill(from);
      // Interrupted after two pages of two jobs each.
      await expect(runTransfer(interrupted(storeSource(from, 2), 2), to, AT, () => AT)).rejects.toThrow('interrupted');
      const first = await to.listJobs({ limit: 100 });
      expect(first.jobs).toHaveLength(4);
      const resumed = await runTransfer(storeSource(from, 2), to, AT, () => AT);
      expect(resumed.jobs).toMatchObject({ copied: f.unfinished - 4, present: 4 });
      expect(resumed.verification.differences).toEqual([]);
      const third = await runTransfer(storeSource(from, 2), to, AT, () => AT);
      expect(third.jobs).toMatchObject({ copied: 0, present: f.unfinished });
      expect(third.schedules).toMatchObject({ written: 5, present: 5, unequal: [] });
      expect(reportLines(third)).toContain('verification: the target matches');
    });
  },
  60_000,
);

describe('blocked jobs', () => {
  it('arrive whole when a chain is spread over pages, in one pass per page it crosses', async () => {
    const from = await s.open('sqlite');
    const to = await s.open('redis');
    const f = await fill(from);
    // One job a page: the blocked chain c2 ← c3 ← c4 is listed child first, so each pass
    // can write only the oldest job still missing.
    const report = await runTransfer(storeSource(from, 1), to, AT, () => AT);
    expect(report.jobs.passes).toBe(3);
    expect(report.jobs.copied).toBe(f.unfinished);
    expect(report.verification.differences).toEqual([]);
  });
});

describe('a store in use', () => {
  it('is refused as a target while a leader holds its lease or processes report, and writes nothing', async () => {
    const to = await s.open('redis');
    await to.acquireLeadership('coordinator-1', 10_000, AT);
    await expect(refuseBusyTarget(to, '--to', AT, false)).rejects.toThrow(
      /^--to: the store is in use: a coordinator \(coordinator-1\) holds the leader lease until .*--force/,
    );
    await expect(refuseBusyTarget(to, '--to', AT, true)).resolves.toBeUndefined();
    // Once the lease has run out, processes that reported lately still count.
    await to.reportNode?.({ id: 'w1', role: 'worker', startedAt: AT, reportEveryMs: 5000 }, AT + 20_000);
    await expect(refuseBusyTarget(to, '--to', AT + 21_000, false)).rejects.toThrow(
      /1 process reported lately \(worker w1\)/,
    );
    await expect(refuseBusyTarget(to, '--to', AT + 60_000, false)).resolves.toBeUndefined();
    expect((await to.listJobs({ limit: 10 })).jobs).toEqual([]);
  });

  it('is refused as a source while a leader holds its lease', async () => {
    const from = await s.open('sqlite');
    await from.acquireLeadership('dev-1', 10_000, AT);
    await expect(refuseBusySource(from, '--from', AT, false)).rejects.toThrow(
      /^--from: the store is in use: a coordinator \(dev-1\)/,
    );
    await expect(refuseBusySource(from, '--from', AT + 10_001, false)).resolves.toBeUndefined();
  });
});

describe('verification', () => {
  it('finds a job that differs and a job that is missing', async () => {
    const from = await s.open('memory');
    const to = await s.open('memory');
    await fill(from);
    await runTransfer(storeSource(from), to, AT, () => AT);
    await to.enqueue([job({ name: 'stranger' })], AT);
    const again = await runTransfer(storeSource(from), to, AT, () => AT);
    expect(again.verification.differences).toEqual(['waiting jobs: 6 expected, 7 in the target']);
    expect(transferFailed(again)).toBe(true);
  });
});

/** A worker's run of one job: claimed and settled succeeded. */
async function runOne(store: Store, id: string): Promise<void> {
  const claimed = await store.claim({ workerId: 'w', limit: 10, leaseMs: 60_000, now: AT });
  const mine = claimed.find((j) => j.id === id);
  if (mine === undefined) throw new Error(`${id} was not claimed (got ${claimed.map((j) => j.id).join(', ')})`);
  await store.settle(
    claimed.map((j) =>
      j.id === id
        ? { jobId: j.id, token: j.lease.token, outcome: 'succeeded' as const, result: null }
        : { jobId: j.id, token: j.lease.token, outcome: 'released' as const },
    ),
    AT,
  );
}

/** A source whose job pages stop with an error after `pages` of them, like a killed process. */
function interrupted(source: TransferSource, pages: number): TransferSource {
  let left = pages;
  const cut = (read: () => AsyncIterable<CopyJob[]>) =>
    async function* () {
      for await (const page of read()) {
        if (left-- <= 0) throw new Error('interrupted');
        yield page;
      }
    };
  return { ...source, independent: cut(() => source.independent()), dependent: cut(() => source.dependent()) };
}
