import { describe, expect, it, type TestContext } from 'vitest';
import { StaleEpochError } from '../errors.js';
import type { Fence, Store } from '../store/store.js';
import { type Fixture, lead, SECOND, type StoreHarness, T0 } from './fixtures.js';

const TTL = 10 * SECOND;

/**
 * Whether the harness's stores keep the leader's ticks (the optional `recordLeaderTick`):
 * as the harness says, else asked of a store opened while the suite is collected;
 * undefined when the harness cannot open one yet (a server or folder its `beforeAll` makes).
 */
export async function keepsLeaderTicks(harness: StoreHarness): Promise<boolean | undefined> {
  if (harness.keepsLeaderTicks !== undefined) return harness.keepsLeaderTicks;
  let probe: Store;
  try {
    probe = await harness.create();
  } catch {
    return undefined;
  }
  try {
    return probe.recordLeaderTick !== undefined;
  } finally {
    await probe.close();
  }
}

async function expectStale(promise: Promise<unknown>): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StaleEpochError);
  expect(error).toMatchObject({ code: 'conflict' });
}

/**
 * `recordLeaderTick` and `Leadership.lastTickAt`, for a store that keeps them. Defined only
 * for such a store; where the suite could not tell while collecting, a store without the
 * method skips each test at run time.
 */
export function leaderTickTests(t: Fixture): void {
  /** The store's recordLeaderTick; skips the test on a store that does not keep ticks. */
  function recorder(context: TestContext): (fence: Fence, now: number) => Promise<void> {
    const store = t.store;
    const record = store.recordLeaderTick;
    if (record === undefined) {
      if (t.harness.keepsLeaderTicks === true)
        throw new Error('the harness says its stores keep the leader’s ticks, but this one has no recordLeaderTick');
      return context.skip('this store does not keep the leader’s ticks');
    }
    return (fence, now) => record.call(store, fence, now);
  }

  describe('leader ticks (recordLeaderTick)', () => {
    it('a new term has no last tick; each tick is reported as lastTickAt, the latest one', async (context) => {
      const record = recorder(context);
      const fence = await lead(t.store, 'c1', T0, TTL);
      const lease = { ...fence, expiresAt: T0 + TTL };
      expect(await t.store.getLeadership(T0)).toEqual(lease);
      await record(fence, T0 + SECOND);
      expect(await t.store.getLeadership(T0 + 2 * SECOND)).toEqual({ ...lease, lastTickAt: T0 + SECOND });
      await record(fence, T0 + 5 * SECOND);
      expect(await t.store.getLeadership(T0 + 6 * SECOND)).toEqual({ ...lease, lastTickAt: T0 + 5 * SECOND });
    });

    it('a renewal keeps the term’s last tick; a new epoch starts without one', async (context) => {
      const record = recorder(context);
      const first = await lead(t.store, 'c1', T0, TTL);
      await record(first, T0 + SECOND);
      await t.store.renewLeadership(first, TTL, T0 + 2 * SECOND);
      expect(await t.store.getLeadership(T0 + 3 * SECOND)).toMatchObject({ ...first, lastTickAt: T0 + SECOND });
      // The holder asking again before expiry renews too.
      await t.store.acquireLeadership('c1', TTL, T0 + 3 * SECOND);
      expect(await t.store.getLeadership(T0 + 4 * SECOND)).toMatchObject({ ...first, lastTickAt: T0 + SECOND });

      // Expired: another node's term has no tick until it ticks.
      const later = T0 + 3 * SECOND + TTL;
      const second = await lead(t.store, 'c2', later, TTL);
      expect(second.epoch).toBeGreaterThan(first.epoch);
      expect(await t.store.getLeadership(later)).toEqual({ ...second, expiresAt: later + TTL });
      await record(second, later + SECOND);
      expect(await t.store.getLeadership(later + SECOND)).toMatchObject({ lastTickAt: later + SECOND });

      // Released and taken again by the same node: a new epoch, so no tick either.
      await t.store.releaseLeadership(second);
      const third = await lead(t.store, 'c2', later + 2 * SECOND, TTL);
      expect(third.epoch).toBeGreaterThan(second.epoch);
      expect(await t.store.getLeadership(later + 2 * SECOND)).toEqual({
        ...third,
        expiresAt: later + 2 * SECOND + TTL,
      });
    });

    it('refuses a deposed or released leader’s tick with StaleEpochError, changing nothing', async (context) => {
      const record = recorder(context);
      const stale = await lead(t.store, 'c1', T0, TTL);
      const current = await lead(t.store, 'c2', T0 + TTL, TTL);
      await record(current, T0 + TTL + SECOND);
      await expectStale(record(stale, T0 + TTL + 2 * SECOND));
      await expectStale(record({ nodeId: 'c1', epoch: current.epoch }, T0 + TTL + 2 * SECOND));
      await expectStale(record({ nodeId: 'c2', epoch: current.epoch + 1 }, T0 + TTL + 2 * SECOND));
      expect(await t.store.getLeadership(T0 + TTL + 3 * SECOND)).toEqual({
        ...current,
        expiresAt: T0 + 2 * TTL,
        lastTickAt: T0 + TTL + SECOND,
      });
      await t.store.releaseLeadership(current);
      await expectStale(record(current, T0 + TTL + 4 * SECOND));
    });

    it('takes a tick from a leader whose lease ran out, until another node leads', async (context) => {
      const record = recorder(context);
      const fence = await lead(t.store, 'c1', T0, TTL);
      // Like every fenced write: the holder may write past expiry while nobody took over.
      await record(fence, T0 + 2 * TTL);
      expect(await t.store.getLeadership(T0 + 2 * TTL)).toBeUndefined();
      const next = await lead(t.store, 'c2', T0 + 2 * TTL, TTL);
      await expectStale(record(fence, T0 + 2 * TTL + SECOND));
      expect(await t.store.getLeadership(T0 + 2 * TTL + SECOND)).toEqual({ ...next, expiresAt: T0 + 3 * TTL });
    });
  });
}
