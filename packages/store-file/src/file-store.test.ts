import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { createMemoryStore, FakeClock, flushPromises, type NewJob, type Store } from '@cadenza/core';
import { MEMORY_STATE_FORMAT, newJobId } from '@cadenza/core/store-kit';
import { allJobs, newJob, scheduleDefinition, tempFolder } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import { createFileStore, type FileStoreFormat } from './index.js';

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const folder = tempFolder('store-file', 'state');
const FORMATS = ['json', 'snapshot'] satisfies FileStoreFormat[];
/** A format this version cannot read. */
const NEWER = MEMORY_STATE_FORMAT + 1;

function job(fields: Partial<NewJob> = {}): NewJob {
  return newJob({ id: newJobId(fields.tenant ?? 'acme', T0), ...fields });
}

/** Fills a store with jobs of several statuses, a schedule that fired and a leader term. */
async function fill(store: Store): Promise<void> {
  const lease = await store.acquireLeadership('c1', 30_000, T0);
  if (lease === undefined) throw new Error('could not lead');
  const fence = { nodeId: lease.nodeId, epoch: lease.epoch };
  const [a, b] = await store.enqueue([job(), job({ tenant: 'beta', idempotencyKey: 'k1' })], T0);
  await store.enqueue([job({ runAt: T0 + MINUTE }), job({ dependsOn: [a?.id ?? ''] })], T0);
  const [claimed] = await store.claim({ workerId: 'w1', limit: 1, leaseMs: 30_000, now: T0 + 1 });
  if (claimed === undefined || b === undefined) throw new Error('nothing claimed');
  await store.settle([{ jobId: claimed.id, token: claimed.lease.token, outcome: 'succeeded', result: { ok: 1 } }], T0);
  // A job that failed once and waits for its retry: a past attempt, and activity to keep.
  await store.enqueue([job({ tenant: 'gamma', priority: 9, maxAttempts: 2 })], T0);
  const [retried] = await store.claim({ workerId: 'w1', limit: 1, leaseMs: 30_000, now: T0 + 2 });
  if (retried === undefined) throw new Error('nothing claimed');
  const error = { code: 'handler_error', message: 'once' };
  await store.settle(
    [{ jobId: retried.id, token: retried.lease.token, outcome: 'failed', error, retryAt: T0 + MINUTE }],
    T0 + 3,
  );
  const { schedule } = await store.upsertSchedule(scheduleDefinition(), T0);
  const at = schedule.nextFireAt ?? T0;
  await store.recordFires(
    fence,
    [
      {
        tenant: 'acme',
        scheduleId: 'digest',
        expectedNextFireAt: at,
        jobs: [job({ name: 'report', scheduleId: 'digest', scheduledFor: at })],
        nextFireAt: at + MINUTE,
      },
    ],
    at,
  );
}

/** What a store holds, as its API shows it; jobs whole, and listed under each status. */
async function everything(store: Store): Promise<unknown> {
  const byStatus: Record<string, string[]> = {};
  for (const status of ['waiting', 'delayed', 'blocked', 'active', 'succeeded'] as const) {
    byStatus[status] = (await allJobs(store, { status })).map((j) => j.id);
  }
  const jobs = await allJobs(store, { include: { payload: true, result: true } });
  const pastAttempts: Record<string, unknown> = {};
  for (const { id } of jobs) pastAttempts[id] = await store.pastAttempts?.(id);
  return {
    jobs,
    pastAttempts,
    activity: await store.activity?.({ now: T0 + MINUTE, minutes: 60 }),
    byStatus,
    beta: (await allJobs(store, { tenant: 'beta' })).map((j) => j.id),
    schedules: (await store.listSchedules({ limit: 1000 })).schedules,
    leader: await store.getLeadership(T0),
    nextDueAt: await store.nextDueAt(),
    depths: await store.depths(),
  };
}

describe.each(FORMATS)('file store (%s)', (format) => {
  it('reopened after close, keeps every job, schedule, key and the leader epoch', async () => {
    const path = folder.file(format);
    const first = await createFileStore({ path, format });
    await fill(first);
    const before = await everything(first);
    expect(JSON.stringify(before)).toContain('"attempt":1,"startedAt"');
    expect(JSON.stringify(before)).toContain('"succeeded":1,"failed":0,"retried":1');
    await first.close();

    const second = await createFileStore({ path, format });
    expect(await everything(second)).toStrictEqual(before);
    // The idempotency key and the fired pair still hold; the next leader gets epoch 2.
    const [again] = await second.enqueue([job({ tenant: 'beta', idempotencyKey: 'k1' })], T0 + 5);
    expect(again?.created).toBe(false);
    expect(await second.acquireLeadership('c2', 1000, T0 + 10 * MINUTE)).toMatchObject({ epoch: 2 });
    await second.close();

    const third = await createFileStore({ path, format });
    expect((await third.getLeadership(T0 + 10 * MINUTE))?.epoch).toBe(2);
    await third.close();
  });

  it('reopened, still counts each tenant’s schedules for the per-tenant limit', async () => {
    const path = folder.file(format);
    const limit = { maxSchedulesPerTenant: 2 };
    const first = await createFileStore({ path, format });
    await first.upsertSchedule(scheduleDefinition({ id: 'a' }), T0, limit);
    await first.upsertSchedule(scheduleDefinition({ id: 'b' }), T0, limit);
    await first.close();

    const second = await createFileStore({ path, format });
    await expect(second.upsertSchedule(scheduleDefinition({ id: 'c' }), T0, limit)).rejects.toMatchObject({
      code: 'resource_exhausted',
    });
    expect(await second.deleteSchedule('acme', 'a')).toBe(true);
    expect((await second.upsertSchedule(scheduleDefinition({ id: 'c' }), T0, limit)).created).toBe(true);
    await second.close();
  });

  it('a missing file is an empty store, and its folder is created', async () => {
    const path = join(folder.dir, `new-${format}`, 'deeper', 'state');
    const store = await createFileStore({ path, format });
    expect(await allJobs(store)).toEqual([]);
    await store.enqueue([job()], T0);
    await store.close();
    expect((await readFile(path)).length).toBeGreaterThan(0);
  });

  it('close writes pending changes at once, however long the debounce', async () => {
    const path = folder.file(format);
    const store = await createFileStore({ path, format, debounceMs: 60_000 });
    await store.enqueue([job()], T0);
    await store.close();
    const reopened = await createFileStore({ path, format });
    expect(await allJobs(reopened)).toHaveLength(1);
    await reopened.close();
  });

  it('leaves no temporary file behind', async () => {
    const store = await createFileStore({
      path: join(folder.dir, `tmp-check-${format}`, 'state'),
      format,
      debounceMs: 0,
    });
    for (let i = 0; i < 20; i++) {
      await store.enqueue([job()], T0);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await store.close();
    expect(await readdir(join(folder.dir, `tmp-check-${format}`))).toEqual(['state']);
  });

  it('removes temporary files an interrupted write left behind', async () => {
    const dir = join(folder.dir, `stale-${format}`);
    const path = join(dir, 'state');
    const first = await createFileStore({ path, format });
    await first.enqueue([job()], T0);
    await first.close();
    const dead = 2 ** 22 + 12345; // above Linux's default pid_max: no such process
    await writeFile(`${path}.tmp-${dead}`, 'half a wri');
    await writeFile(join(dir, 'unrelated.tmp-1'), 'keep me');
    const store = await createFileStore({ path, format });
    expect(await allJobs(store)).toHaveLength(1);
    await store.close();
    expect((await readdir(dir)).sort()).toEqual(['state', 'unrelated.tmp-1']);
  });

  it('the file on disk is always a complete state, read between writes', async () => {
    const path = folder.file(format);
    // Seed a file big enough that a plain (non-atomic) write is caught half-done by a reader
    // (checked: a plain fs.writeFile fails this test), then read it back whole while writes go on.
    const seed = await createFileStore({ path, format });
    for (let i = 0; i < 300; i++) await seed.enqueue([job({ payload: { pad: 'x'.repeat(2000) } })], T0);
    await seed.close();

    const store = await createFileStore({ path, format, debounceMs: 0 });
    let reads = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const copy = await createFileStore({ path, format }); // refuses a partial file
        reads += 1;
        expect((await allJobs(copy)).length).toBeGreaterThanOrEqual(300);
        await copy.close();
      }
    })();
    for (let i = 0; i < 100; i++) {
      await store.enqueue([job()], T0);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await store.close();
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    const last = await createFileStore({ path, format });
    expect(await allJobs(last)).toHaveLength(400);
    await last.close();
  });

  it('debounces: 1,000 quick enqueues make a few writes', async () => {
    const path = folder.file(format);
    const writes: number[] = [];
    const store = await createFileStore({
      path,
      format,
      debounceMs: 100,
      writeFile: async (_path, data) => {
        writes.push(data.length);
      },
    });
    const start = performance.now();
    for (let i = 0; i < 1000; i++) await store.enqueue([job()], T0);
    const elapsed = performance.now() - start;
    await store.close();
    // At most one write per 100 ms while enqueuing, one more after, one at close.
    expect(writes.length).toBeGreaterThanOrEqual(1);
    expect(writes.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    expect(writes.length).toBeLessThan(20);
  });

  it('debounces on its clock: a burst is one write, debounceMs after its first change', async () => {
    const clock = new FakeClock();
    let writes = 0;
    let release: (() => void) | undefined;
    const store = await createFileStore({
      path: folder.file(format),
      format,
      clock,
      writeFile: () => {
        writes += 1;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    for (let i = 0; i < 1000; i++) await store.enqueue([job()], T0);
    await clock.advance(249);
    expect(writes).toBe(0);
    await clock.advance(1);
    expect(writes).toBe(1);
    // Changes during a write wait for it, then for another debounce interval: writes never overlap.
    await store.enqueue([job()], T0);
    await clock.advance(1000);
    expect(writes).toBe(1);
    release?.();
    await flushPromises();
    await clock.advance(249);
    expect(writes).toBe(1);
    await clock.advance(1);
    expect(writes).toBe(2);
    release?.();
    await flushPromises();
    expect(clock.pendingTimers).toBe(0);
    await store.close(); // nothing pending: no write
    expect(writes).toBe(2);
  });

  it('spreads writes out under steady load: at most about one per debounce interval', async () => {
    let writes = 0;
    const store = await createFileStore({
      path: folder.file(format),
      format,
      debounceMs: 50,
      writeFile: async () => {
        writes += 1;
      },
    });
    const start = performance.now();
    while (performance.now() - start < 400) {
      await store.enqueue([job()], T0);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await store.close();
    expect(writes).toBeGreaterThanOrEqual(3);
    expect(writes).toBeLessThanOrEqual(400 / 50 + 3);
  });

  it('a failed write is retried, and a write that keeps failing is surfaced by ping and close', async () => {
    const path = folder.file(format);
    let failing = true;
    let attempts = 0;
    const store = await createFileStore({
      path,
      format,
      debounceMs: 5,
      writeFile: async () => {
        attempts += 1;
        if (failing) throw new Error('disk full');
      },
    });
    await store.enqueue([job()], T0);
    await expect.poll(() => attempts, { timeout: 2000 }).toBeGreaterThanOrEqual(2);
    await expect(store.ping()).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining(path) });
    failing = false;
    await expect
      .poll(
        () =>
          store.ping().then(
            () => 'ok',
            () => 'failing',
          ),
        { timeout: 2000 },
      )
      .toBe('ok');

    failing = true;
    await store.enqueue([job()], T0);
    const error = await store.close().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'unavailable' });
    expect(String((error as Error).message)).toMatch(/cannot write store .*disk full/);
    expect(String((error as Error).message)).toContain(path);
  });
});

describe('file store refuses a file it cannot trust, naming the path', () => {
  const validJson = (): string => JSON.stringify(createMemoryStore().exportState());
  const validV8 = (): Uint8Array => serialize(createMemoryStore().exportState());
  const cases: [string, FileStoreFormat, () => string | Uint8Array, RegExp][] = [
    ['garbage (json)', 'json', () => 'not json at all', /not valid JSON/],
    ['garbage (snapshot)', 'snapshot', () => Buffer.from([1, 2, 3, 4]), /not a node:v8 snapshot/],
    ['binary garbage (json)', 'json', () => Buffer.from([0xc3, 0x28, 0x00]), /not UTF-8 text/],
    ['an empty file', 'json', () => '', /the file is empty/],
    ['an empty file (snapshot)', 'snapshot', () => '', /the file is empty/],
    ['truncated JSON', 'json', () => validJson().slice(0, 40), /not valid JSON \(truncated or corrupt\?\)/],
    ['a truncated snapshot', 'snapshot', () => validV8().subarray(0, 30), /truncated or corrupt/],
    ['a v8 snapshot given to json:', 'json', validV8, /node:v8 snapshot, not JSON/],
    ['a JSON file given to snapshot:', 'snapshot', validJson, /holds JSON, not a node:v8 snapshot/],
    ['a newer format (json)', 'json', () => JSON.stringify({ format: NEWER }), /format \d+ was written by a newer/],
    [
      'a newer format (snapshot)',
      'snapshot',
      () => serialize({ ...createMemoryStore().exportState(), format: NEWER }),
      /format \d+ was written by a newer cadenza/,
    ],
    ['some other JSON', 'json', () => '[1, 2, 3]', /not a cadenza state snapshot/],
    [
      'a state missing a field',
      'json',
      () => JSON.stringify({ ...createMemoryStore().exportState(), jobs: undefined }),
      /does not hold a valid cadenza state: .*jobs/,
    ],
  ];
  for (const [what, format, contents, reason] of cases) {
    it(what, async () => {
      const path = folder.file(format);
      await writeFile(path, contents());
      const error = await createFileStore({ path, format }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'unavailable' });
      const message = (error as Error).message;
      expect(message).toContain(`${format}:${path}`);
      expect(message).toMatch(reason);
    });
  }

  it('a file that cannot be read (a folder)', async () => {
    await expect(createFileStore({ path: folder.dir, format: 'json' })).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/cannot be read/),
    });
  });
});
