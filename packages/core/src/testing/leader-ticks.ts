import { describe, expect, it } from 'vitest';
import { StaleEpochError } from '../errors.js';
import type { Fence } from '../store/store.js';
import { type Fixture, lead, SECOND, T0 } from './fixtures.js';

const TTL = 10 * SECOND;

async function expectStale(promise: Promise<unknown>): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StaleEpochError);
  expect(error).toMatchObject({ code: 'conflict' });
}

/**
 * Whether the store keeps the leader's ticks is what its harness declares
 * (`keepsLeaderTicks`, default false): checked against the store itself on every run, so
 * that a store cannot gain or lose `recordLeaderTick` without its tests following.
 */
export function leaderTickDeclarationTest(t: Fixture): void {
  it('keeps the leader’s ticks exactly when its harness says so (keepsLeaderTicks)', () => {
    expect(t.store.recordLeaderTick !== undefined).toBe(t.harness.keepsLeaderTicks === true);
  });
}

/** `recordLeaderTick` and `Leadership.lastTickAt`, for a store that keeps them. */
export function leaderTickTests(t: Fixture): void {
  /** The store's recordLeaderTick (the declaration test above fails where it is missing). */
  function recorder(): (fence: Fence, now: number) => Promise<void> {
    const store = t.store;
    const record = store.recordLeaderTick;
    if (record === undefined) throw new Error('this store has no recordLeaderTick');
    return (fence, now) => record.call(store, fence, now);
  }

  describe('leader ticks (recordLeaderTick)', () => {
    it('a new term has no last tick; each tick is reported as lastTickAt, the latest one', async () => {
      const record = recorder();
      const fence = await lead(t.store, 'c1', T0, TTL);
      const lease = { ...fence, expiresAt: T0 + TTL };
      expect(await t.store.getLeadership(T0)).toEqual(lease);
      await record(fence, T0 + SECOND);
      expect(await t.store.getLeadership(T0 + 2 * SECOND)).toEqual({ ...lease, lastTickAt: T0 + SECOND });
      await record(fence, T0 + 5 * SECOND);
      expect(await t.store.getLeadership(T0 + 6 * SECOND)).toEqual({ ...lease, lastTickAt: T0 + 5 * SECOND });
    });

    it('a renewal keeps the term’s last tick; a new epoch starts without one', async () => {
      const record = recorder();
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

    it('refuses a deposed or released leader’s tick with StaleEpochError, changing nothing', async () => {
      const record = recorder();
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

    it('takes a tick from a leader whose lease ran out, until another node leads', async () => {
      const record = recorder();
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
