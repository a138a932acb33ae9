/**
 * The shared poll's pace and fault handling, on the memory store and a fake clock so that
 * intervals are exact; wait-for.test.ts proves the same loop against Redis in real time.
 */
import { CadenzaError, type ClaimedJob, createMemoryStore, FakeClock, type Store } from '@cadenza/core';
import { drive, spyStore } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import { CadenzaClient } from './client.js';
import { WaitTimeoutError } from './wait-timeout-error.js';

function setup(): { client: CadenzaClient; clock: FakeClock; store: Store; spy: ReturnType<typeof spyStore> } {
  const clock = new FakeClock();
  const store = createMemoryStore();
  const spy = spyStore(store);
  return { client: new CadenzaClient({ store: spy.store, clock }), clock, store, spy };
}

async function claimOne(store: Store, clock: FakeClock): Promise<ClaimedJob> {
  const [job] = await store.claim({ workerId: 'w', limit: 1, leaseMs: 60_000, now: clock.now() });
  if (job === undefined) throw new Error('nothing to claim');
  return job;
}

/** Records when getJobs is called; the answer gives those instants, in ms after now. */
function timePolls({ clock, store, spy }: ReturnType<typeof setup>): () => number[] {
  const start = clock.now();
  const times: number[] = [];
  spy.overrides.getJobs = (ids) => {
    times.push(clock.now() - start);
    return store.getJobs(ids);
  };
  return () => [...times];
}

describe('the shared poll', () => {
  it('polls at once, then at 10 ms doubling to 250 ms while nothing ends, and stops when nobody waits', async () => {
    const t = setup();
    const { client, clock, store } = t;
    const pollTimes = timePolls(t);
    const { id } = await client.enqueue({ name: 'email.send' });
    const waiting = client.waitFor(id);
    await clock.advance(1000);
    expect(pollTimes()).toEqual([0, 10, 30, 70, 150, 310, 560, 810]);

    const job = await claimOne(store, clock);
    await store.settle([{ jobId: id, token: job.lease.token, outcome: 'succeeded', result: 1 }], clock.now());
    expect(await drive(clock, waiting)).toMatchObject({ status: 'succeeded' });
    expect(clock.pendingTimers).toBe(0);
  });

  it('starts fast again when a new wait joins or a job ends', async () => {
    const t = setup();
    const { client, clock, store, spy } = t;
    const pollTimes = timePolls(t);
    const [a, b] = await client.enqueueBatch([{ name: 'email.send' }, { name: 'email.send' }]);
    const first = client.waitFor(a?.id ?? '');
    await clock.advance(300); // polls at 0, 10, 30, 70, 150, 310 would be next
    const second = client.waitFor(b?.id ?? '');
    await clock.advance(0);
    expect(pollTimes()).toEqual([0, 10, 30, 70, 150, 300]);
    expect(spy.calls.getJobs?.at(-1)?.[0]).toEqual([a?.id, b?.id]);

    await store.cancel(a?.id ?? '', clock.now());
    await clock.advance(10);
    expect(await first).toMatchObject({ status: 'canceled' });
    await clock.advance(30);
    // After the round in which a ended: 10 ms again, not 40.
    expect(pollTimes().slice(6)).toEqual([310, 320, 340]);
    await store.cancel(b?.id ?? '', clock.now());
    expect(await drive(clock, second)).toMatchObject({ status: 'canceled' });
  });

  it('fails only the wait whose id the store refuses; the others keep waiting', async () => {
    const { client, clock, store, spy } = setup();
    const refuse = (ids: readonly string[]): void => {
      if (ids.includes('bad')) throw new CadenzaError('invalid_argument', 'id: got "bad", expected tenant:…');
    };
    spy.overrides.getJobs = async (ids) => {
      refuse(ids);
      return store.getJobs(ids);
    };
    spy.overrides.getJob = async (id) => {
      refuse([id]);
      return store.getJob(id);
    };
    const { id } = await client.enqueue({ name: 'email.send' });
    const good = client.waitFor(id);
    const bad = client.waitFor('bad');
    await expect(drive(clock, bad)).rejects.toMatchObject({ code: 'invalid_argument' });
    await store.cancel(id, clock.now());
    expect(await drive(clock, good)).toMatchObject({ status: 'canceled' });
  });

  it('keeps waiting through failed polls, and a timeout then carries the last failure as its cause', async () => {
    const { client, clock, store, spy } = setup();
    const down = new CadenzaError('unavailable', 'redis is down');
    spy.overrides.getJobs = () => Promise.reject(down);
    const { id } = await client.enqueue({ name: 'email.send' });
    const error = await drive(clock, client.waitFor(id, { timeoutMs: 1000 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ lastStatus: undefined, cause: down });
    expect((error as Error).message).toContain('not seen yet');

    delete spy.overrides.getJobs;
    const waiting = client.waitFor(id, { timeoutMs: 1000 });
    await store.cancel(id, clock.now());
    expect(await drive(clock, waiting)).toMatchObject({ status: 'canceled' });
  });

  it('answers a wait that joins during a round only from a later read (the job may have been retried)', async () => {
    const { client, clock, store, spy } = setup();
    const { id } = await client.enqueue({ name: 'email.send' });
    const job = await claimOne(store, clock);
    const failure = { code: 'handler_error', message: 'boom' };
    await store.settle([{ jobId: id, token: job.lease.token, outcome: 'failed', error: failure }], clock.now());
    let release = (): void => {};
    spy.overrides.getJobs = async (ids) => {
      const answer = await store.getJobs(ids); // read now, answered later
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return answer;
    };
    const before = client.waitFor(id);
    await clock.advance(0); // the round has read `failed` and is still out
    await client.retry(id);
    const after = client.waitFor(id);
    delete spy.overrides.getJobs;
    release();
    expect(await drive(clock, before)).toMatchObject({ status: 'failed' });
    await clock.advance(100);
    const again = await claimOne(store, clock);
    await store.settle([{ jobId: id, token: again.lease.token, outcome: 'succeeded', result: 2 }], clock.now());
    expect(await drive(clock, after)).toMatchObject({ status: 'succeeded', result: 2 });
  });

  it('ends the waits with any other failure rather than hang', async () => {
    const { client, clock, spy } = setup();
    const bug = new TypeError('cannot read properties of undefined');
    spy.overrides.getJobs = () => Promise.reject(bug);
    const { id } = await client.enqueue({ name: 'email.send' });
    await expect(drive(clock, client.waitFor(id))).rejects.toBe(bug);
    expect(clock.pendingTimers).toBe(0);
  });

  it('asks for at most maxBatch ids per call', async () => {
    const clock = new FakeClock();
    const spy = spyStore(createMemoryStore());
    const client = new CadenzaClient({ store: spy.store, clock, poll: { maxBatch: 2 } });
    const ids = (await client.enqueueBatch([{ name: 'a' }, { name: 'b' }, { name: 'c' }])).map((r) => r.id);
    const waits = ids.map((id) => client.waitFor(id));
    await clock.advance(0);
    expect(spy.calls.getJobs?.map(([asked]) => asked)).toEqual([ids.slice(0, 2), ids.slice(2)]);
    for (const id of ids) await spy.store.cancel(id, clock.now());
    expect(await drive(clock, Promise.all(waits))).toHaveLength(3);
  });
});
